"""Service configuration: defaults, then a TOML settings file, then ``THREADGUARD_*`` environment
variables, then explicit overrides (the ``serve`` command's flags), each level beating the one before.

Lists of keys come from the environment as comma-separated text (``THREADGUARD_API_KEYS=k1,k2``)
because that is what container platforms and secret stores hand over; JSON lists work too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from service.labels.store import DEFAULT_URL as DEFAULT_LABELS_DB
from service.runtime.bundle import default_model_dir, models_root
from service.schema import LABELS

ENV_PREFIX = "THREADGUARD_"
CONFIG_FILE_ENV = "THREADGUARD_CONFIG"

KeyList = Annotated[list[SecretStr], NoDecode]
NamedKeys = Annotated[dict[str, SecretStr], NoDecode]


def default_registry_dir() -> Path:
    return models_root() / "registry"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True, protected_namespaces=())
    config_file: ClassVar[Path | None] = None  # TOML settings file, set by load_settings

    model_dir: Path = Field(default_factory=default_model_dir, description="Model directory (manifest.json, model.onnx, tokenizer.json).")
    host: str = Field("127.0.0.1", description="Interface to listen on; 0.0.0.0 for every interface.")
    port: int = Field(8080, ge=0, le=65535)
    workers: int = Field(1, ge=1, description="Server processes; each loads its own model and keeps its own metrics.")
    threads: int | None = Field(None, ge=1, description="onnxruntime intra-op threads per worker (default: CPU count / workers).")
    onnx_spinning: bool = Field(
        False, description="Let idle onnxruntime threads busy-wait between model calls (faster back-to-back calls, less CPU left for HTTP)."
    )

    thresholds: dict[str, float] = Field(default_factory=dict, description="Server-wide threshold overrides per label.")

    max_batch_size: int = Field(16, ge=1, description="Most comments per model call; 1 switches batching off. 16 bounds one call to ~30 ms here, which keeps p99 low.")
    max_wait_ms: float = Field(2.0, ge=0, description="Under load, how long a batch may wait to fill (see batcher.py).")
    max_queue: int = Field(2048, ge=1, description="Most comments waiting for the model; more get 503.")
    max_chars: int = Field(20_000, ge=1, description="Most characters in one comment (413 beyond).")
    max_comments: int = Field(256, ge=1, description="Most comments in one request (413 beyond).")
    max_body_bytes: int = Field(32 * 1024 * 1024, ge=1024, description="Largest request body (413 beyond).")
    request_timeout_s: float = Field(30.0, gt=0, description="A request still unscored after this long gets 504.")
    shutdown_timeout_s: float = Field(30.0, ge=0, description="How long shutdown waits for in-flight requests.")
    retry_after_s: int = Field(1, ge=1, description="Retry-After sent with 503 when the queue is full.")

    api_keys: KeyList = Field(default_factory=list, description="Keys for scoring routes; none = scoring is open.")
    admin_keys: KeyList = Field(default_factory=list, description="Keys for admin routes; none = admin routes refused.")
    annotator_keys: NamedKeys = Field(
        default_factory=dict,
        description="Keys that may post labels (and score), by annotator name: name:key,name:key or a JSON object.",
    )
    metrics_public: bool = Field(True, description="Serve /metrics without a key (false: admin key needed).")

    labels_db: str = Field(DEFAULT_LABELS_DB, description="Label store URL: sqlite:///FILE or postgresql://... (THREADGUARD_LABELS_DB).")
    registry_dir: Path = Field(default_factory=default_registry_dir, description="Model registry: <dir>/<version>/ and the ACTIVE pointer.")
    reload_poll_seconds: float = Field(0.0, ge=0, description="Check the registry's ACTIVE pointer this often and load what it names; 0 = never.")

    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    log_text: bool = Field(False, description="Include comment text in the flagged-comment log.")
    access_log: bool = Field(True, description="One log line per request (path without query string, never keys or text).")

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [k.strip() for k in text.split(",") if k.strip()]
        return value

    @field_validator("annotator_keys", mode="before")
    @classmethod
    def _split_named_keys(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("{"):
            return json.loads(text)
        named: dict[str, str] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            name, sep, key = item.partition(":")
            if not sep or not name.strip() or not key.strip():
                raise ValueError("expected name:key pairs separated by commas")
            named[name.strip()] = key.strip()
        return named

    @field_validator("annotator_keys")
    @classmethod
    def _named_annotators(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, key in value.items():
            if not name.strip() or not key.get_secret_value().strip():
                raise ValueError("annotator names and keys must not be empty")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("thresholds")
    @classmethod
    def _known_labels(cls, value: dict[str, float]) -> dict[str, float]:
        for name, t in value.items():
            if name not in LABELS:
                raise ValueError(f"unknown label {name!r} (expected one of {', '.join(LABELS)})")
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"{name}: {t} is not between 0 and 1")
        return value

    @model_validator(mode="after")
    def _model_from_registry(self) -> "ServiceSettings":
        # Unset, the model is the registry's ACTIVE version: this registry's, which may not be
        # the default one default_model_dir() looked at (reloads resolve the same way).
        if "model_dir" not in self.model_fields_set:
            from service.runtime.registry import Registry

            active = Registry(self.registry_dir).active_dir()
            if active is not None:
                self.model_dir = active
        return self

    @model_validator(mode="after")
    def _consistent_limits(self) -> "ServiceSettings":
        if self.max_comments > self.max_queue:
            raise ValueError(f"max_comments ({self.max_comments}) must not exceed max_queue ({self.max_queue})")
        return self

    @property
    def onnx_threads(self) -> int:
        return self.threads or max(1, (os.cpu_count() or 1) // self.workers)

    @property
    def batching(self) -> bool:
        return self.max_batch_size > 1

    def public_view(self) -> dict[str, Any]:
        """Effective settings for the admin route: keys replaced by their count."""
        view = self.model_dump(mode="json", exclude={"api_keys", "admin_keys", "annotator_keys"})
        view["api_keys"] = len(self.api_keys)
        view["admin_keys"] = len(self.admin_keys)
        view["annotator_keys"] = sorted(self.annotator_keys)  # names only
        view["labels_db"] = redacted_url(self.labels_db)
        return view

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = getattr(settings_cls, "config_file", None)
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


def redacted_url(url: str) -> str:
    """A database URL with its password hidden (what may be shown or logged)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL>"


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> ServiceSettings:
    """Settings from an optional TOML file, the environment and explicit overrides (``None`` = not given).

    The file is named by ``config_file`` or else by ``THREADGUARD_CONFIG``; a named file that
    does not exist is an error rather than a silent fall-back to defaults.
    """
    named = config_file or os.environ.get(CONFIG_FILE_ENV) or None
    given = {k: v for k, v in overrides.items() if v is not None}
    if named is None:
        return ServiceSettings(**given)
    path = Path(named)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: settings file not found")
    # The file is a class-level source in pydantic-settings, so bind it to a throwaway subclass.
    bound = type("FileServiceSettings", (ServiceSettings,), {"config_file": path})
    return bound(**given)
