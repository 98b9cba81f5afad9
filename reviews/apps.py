from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews and ratings")

    def ready(self) -> None:
        from market.accounts.hooks import register_closure_eraser, register_personal_data
        from reviews.selectors import personal_data_reviews
        from reviews.services import review_erase_for_account_closure

        register_personal_data("reviews", personal_data_reviews)
        register_closure_eraser("reviews", review_erase_for_account_closure)
