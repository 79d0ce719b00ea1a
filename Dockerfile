FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY handlers ./handlers
COPY services ./services
COPY storage ./storage
COPY locales ./locales
COPY web ./web
COPY fake_telegram ./fake_telegram
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot /data && chmod 0700 /data

USER bot
VOLUME ["/data"]
# SIGTERM stops long polling cleanly; give it time to finish the updates in hand.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
