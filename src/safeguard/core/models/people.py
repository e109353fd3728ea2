from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from safeguard.core.roles import Role


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Person:
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person


# django-stubs cannot see the reverse manager of a django-otp device subclass (untyped package).
class Person(AbstractBaseUser):  # type: ignore[django-manager-missing]
    """One person, one account, in one organisation. What they may do comes from their roles."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True, default="")
    # By name, not by class: organisations.py names Person for its members, and the two files
    # must not import each other.
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    is_active = models.BooleanField(default=True)
    # Demo people exist only in the synthetic demo partnership; see safeguard.core.demo.
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = PersonManager()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_codes = cached
        return cached


class RoleAssignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="role_assignment_unique"),
        ]
