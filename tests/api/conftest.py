"""Fixtures for /api/v1: the cascade of tests/bsc (iku, realise), tokens, and a caller that checks
every answer against the OpenAPI document."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ekinerja.auth.models import User
from ekinerja.auth.services import issue_token
from ekinerja.extensions import db
from tests.api.schema import check, response_schema
from tests.bsc.conftest import iku, realise  # noqa: F401  (fixtures shared with the BSC tests)


@pytest.fixture
def token_of(ctx):
    """token_of(user_or_employee) -> the Authorization header of a new token of theirs."""
    def make(who) -> dict:
        user = who if isinstance(who, User) else db.session.scalar(select(User).where(User.employee_id == who.id))
        token = issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}
    return make


@pytest.fixture(scope="session")
def openapi_document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


class Api:
    """GETs and POSTs under /api/v1 whose answers are checked against the OpenAPI document."""

    def __init__(self, client, document):
        self.client, self.document = client, document

    def _checked(self, response, template: str, method: str):
        operation = self.document["paths"][template][method]
        assert str(response.status_code) in operation["responses"], \
            f"{method.upper()} {template} answered {response.status_code}, which the document does not list"
        if response.mimetype == "application/json":
            schema = response_schema(self.document, template, method, response.status_code)
            problems = check(response.get_json(), schema, self.document)
            assert not problems, problems[:10]
        return response

    def get(self, template: str, headers=None, query=None, id=None):
        """GET a path of the document; `id` fills its {…_id} placeholder."""
        path = re.sub(r"\{\w+\}", str(id), template)
        return self._checked(self.client.get("/api/v1" + path, headers=headers or {}, query_string=query or {}),
                             template, "get")

    def post(self, template: str, headers=None, **kwargs):
        return self._checked(self.client.post("/api/v1" + template, headers=headers or {}, **kwargs), template, "post")


@pytest.fixture
def api(client, openapi_document):
    return Api(client, openapi_document)
