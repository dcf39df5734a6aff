"""The scoring service: ``threadguard serve`` (FastAPI app built by ``service.api.app.create_app``)."""
