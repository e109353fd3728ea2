"""The child index's pages in the permission walk (tests/test_permission_walk.py)."""

from __future__ import annotations

from typing import Any

from safeguard.children.policies import Cap


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    return {
        "children:match_model": Route(Cap.VIEW_MATCH_MODEL),
        "children:match_model_change": Route(Cap.MANAGE_MATCH_MODEL),
        "children:match_model_restore": Route(
            Cap.MANAGE_MATCH_MODEL, kwargs=_pk("match_model_version")
        ),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.children import services
    from safeguard.children.linkage import MatchModel

    data = MatchModel.default().to_dict()
    data["thresholds"]["automatic"] = 0.97
    version = services.match_model_save(
        actor=admin, model=MatchModel.from_dict(data), note="Walk version"
    )
    return {"match_model_version": version}


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST (tests/test_permission_walk.py posts to each as every role)."""
    # The match model decides which school hears about a child: the second factor again.
    return {
        "children:match_model_change": Form(sensitive=True),
        "children:match_model_restore": Form(sensitive=True),
    }
