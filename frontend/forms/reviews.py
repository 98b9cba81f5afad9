"""Forms of the review pages: write or change a review, reply as the producer, report, moderate."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms.orders import MultipleFileField, MultipleFileInput
from reviews.models import MAX_REASON, MAX_REPLY, MAX_TEXT

STAR_CHOICES = [(5, _("5 stars: excellent")), (4, _("4 stars: good")), (3, _("3 stars: fair")),
                (2, _("2 stars: poor")), (1, _("1 star: bad"))]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), choices=STAR_CHOICES, coerce=int,
                                    widget=forms.RadioSelect)
    text = forms.CharField(label=_("Your review"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What did you like? How was the taste, the quality, the packing?"))
    photos = MultipleFileField(label=_("Photos (up to 3)"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_photos = list(photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label=_("Remove photos"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(photo.pk), _("Photo %(number)s") % {"number": number})
                         for number, photo in enumerate(self.existing_photos, start=1)])


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with this review?"), required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", _("Hide")), ("restore", _("Restore")), ("keep", _("Keep"))])
    reason = forms.CharField(label=_("Reason (shown to the reviewer)"), required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))
