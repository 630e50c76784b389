"""The one error every data check raises."""


class DataError(ValueError):
    """A dataset cannot be used; the message is one line naming the key or file."""
