/* Pay page, card form: Stripe.js Elements collects the card (it never touches our server), turns it into a
   PaymentMethod whose id this form posts; the server creates and confirms the PaymentIntent. When the server
   answers that the bank wants 3-D Secure, the page carries the client secret: Stripe.js shows the bank's check,
   then we go to the return URL, where the server asks Stripe how it went. Messages come translated from the
   form's data-message-* attributes. */
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form) return;
  var button = document.getElementById("pay-button");
  var errors = document.getElementById("card-errors");
  var statusLine = document.getElementById("card-status");
  var data = form.dataset;

  function say(element, text) { element.textContent = text || ""; }
  function busy(on) {
    button.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  if (typeof window.Stripe !== "function") {  // Stripe.js did not load (slow or broken connection)
    say(errors, data.messageUnavailable);
    return;
  }
  var stripe = window.Stripe(data.publishableKey);

  if (data.actionSecret) {  // the bank asks for 3-D Secure: show its check, then let the server look
    busy(true);
    say(statusLine, data.messageAction);
    var back = function () { window.location.assign(data.returnUrl); };
    var next = typeof stripe.handleNextAction === "function"
      ? stripe.handleNextAction({clientSecret: data.actionSecret})
      : stripe.confirmCardPayment(data.actionSecret);
    Promise.resolve(next).then(back, back);
    return;
  }

  var language = document.documentElement.lang || "auto";
  var elements = stripe.elements({locale: language});
  var card = elements.create("card", {
    hidePostalCode: true,
    style: {base: {fontSize: "18px", color: "#1d1d1b", fontFamily: "system-ui, sans-serif"}},
  });
  card.mount("#card-element");
  card.on("change", function (event) {
    say(errors, event && event.error ? event.error.message : "");
  });
  busy(false);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;  // one payment at a time; the server ignores a double click anyway
    busy(true);
    say(errors, "");
    say(statusLine, data.messageWorking);
    Promise.resolve(stripe.createPaymentMethod({type: "card", card: card})).then(function (result) {
      if (!result || result.error || !result.paymentMethod) {
        say(statusLine, "");
        say(errors, (result && result.error && result.error.message) || data.messageInvalid);
        busy(false);
        return;
      }
      document.getElementById("payment-method-id").value = result.paymentMethod.id;
      form.submit();
    }, function () {
      say(statusLine, "");
      say(errors, data.messageUnavailable);
      busy(false);
    });
  });
})();
