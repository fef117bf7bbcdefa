# One image for the Rasa servers and the action servers of docker-compose.yml (the
# production profile in containers). The model is trained outside (`make train`) and
# mounted, as the local profile uses models/imt.tar.gz.
FROM python:3.10-slim-bookworm
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY actions actions
COPY bot bot
COPY knowledge knowledge
COPY nlu nlu
RUN pip install --no-cache-dir "pip<24.1" && pip install --no-cache-dir -c requirements.lock .
COPY config.yml domain.yml credentials.yml endpoints.yml endpoints.prod.yml ./
ENV PYTHONPATH=/app PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 SANIC_WORKERS=1
EXPOSE 5005 5055
