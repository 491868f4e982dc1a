"""A paginator that counts only up to a cap.

Counting every row of a large list costs as much as reading them all (an organization's open
appeals at 1,000,000 appeals: ~36,000 rows, ~290 ms), while the page itself reads 25. Beyond the
cap the list says «more than N» and the pages are numbered without a total: a page reads one row
more than it shows to know whether there is a next one.
"""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        if self._has_next is not None:
            return self._has_next
        return super().has_next()

    def end_index(self) -> int:
        if self._has_next is not None:
            return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
        return super().end_index()


class CappedPaginator(Paginator):
    """`count` is exact up to `cap` rows; `capped` says there are more (and `count` is `cap + 1`)."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        return rows[: self.cap + 1].count() if hasattr(rows, "count") else len(rows[: self.cap + 1])

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if not self.capped:
            return super().num_pages
        # Only asked for a page past the end of a long list (get_page falls back to the last).
        exact = Paginator(self.object_list, self.per_page, orphans=self.orphans)
        return exact.num_pages

    def validate_number(self, number) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(rows) > self.per_page
        return CappedPage(rows[: self.per_page], number, self, has_next=has_next)

    def get_page(self, number) -> Page:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end of a long list: its last page, as Paginator does
            return self.page(self.num_pages)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)
