"""A call Telegram refuses, in its error shape (code, description, retry_after)."""


class Refusal(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after
