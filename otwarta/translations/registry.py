"""Which models have a translation status: every Wagtail page, plus the translatable snippets the public
sees, registered by their app (``register(OfficialForm, institution_field="institution")``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from wagtail.models import DraftStateMixin, Page


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    institution_field: str | None = None  # snippets: FK to institutions.Institution
    title_field: str = "title"

    @property
    def is_page(self) -> bool:
        return issubclass(self.model, Page)

    @property
    def has_live(self) -> bool:
        return issubclass(self.model, DraftStateMixin)


_registry: dict[type[models.Model], Tracked] = {Page: Tracked(Page)}


def register(model: type[models.Model], institution_field: str | None = "institution",
             title_field: str = "title") -> None:
    _registry[model] = Tracked(model, institution_field, title_field)


def tracked_models() -> list[Tracked]:
    return list(_registry.values())


def tracked_for(model: type[models.Model]) -> Tracked | None:
    """The registration that covers ``model`` (every page type is covered by ``Page``)."""
    if issubclass(model, Page):
        return _registry[Page]
    for candidate in model.__mro__:
        if candidate in _registry:
            return _registry[candidate]
    return None


def base_model(model: type[models.Model]) -> type[models.Model]:
    tracked = tracked_for(model)
    return tracked.model if tracked else model
