"""The errors a user sees as one line with exit status 2 (kept free of imports: the CLI starts fast)."""


class ClaimError(ValueError):
    """A claim that is malformed as written (raised when it is defined, naming the claim)."""


class ParameterError(ValueError):
    """A parameter value outside its domain; the message names the parameter and the rule."""


class UnknownClaim(LookupError):
    """A claim id (or pattern) that no loaded file defines."""
