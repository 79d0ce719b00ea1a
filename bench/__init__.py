"""The voting-day benchmark: the real bot and a bare python-telegram-bot bot, each as its own
process, against the fake Bot API server, with simulated users. Run: ``python -m bench``."""
