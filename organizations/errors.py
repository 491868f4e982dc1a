from django.utils.translation import gettext_lazy as _


class RoutingError(Exception):
    """No organization is responsible for a category in a municipality."""

    def __init__(self, *, category, municipality):
        self.category = category
        self.municipality = municipality
        super().__init__(
            _(
                "No organization handles «%(category)s» in %(municipality)s yet. "
                "The regional moderator will route the appeal by hand."
            )
            % {"category": category.name, "municipality": municipality.name}
        )
