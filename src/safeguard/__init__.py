"""Safeguard: the operating system of a multi-agency Safeguarding Children Partnership."""
