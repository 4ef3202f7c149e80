"""Where a pipeline's connector options come from, and the other settings of ``ingest``.

A pipeline bundle reads these from the pipeline configuration (``spark.conf.get``) and
passes them to :func:`lakeflow_spark.pipeline.ingest`. Credentials never appear in the
configuration: they stay in the Unity Catalog connection, or in a secret scope read when
the flows are defined.

Order, first match wins:

1. explicit ``connection_options`` (local runs; also ``LocalPipeline(connection_options=...)``);
2. ``connection_name`` (default: the spec's ``connection_name``), when not empty: the
   Unity Catalog connection (option ``databricks.connection``);
3. otherwise ``options`` (empty values left out) plus, for each ``secrets`` entry
   ``option -> key`` with a non-empty key, the value of ``key`` in ``secret_scope``.
"""

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Dict, Mapping, Optional

from . import options as opts

CONNECTION_INJECTION = "spark.databricks.unityCatalog.connectionDfOptionInjection.enabled"


@dataclass(frozen=True)
class Settings:
    """The settings ``ingest`` accepts besides the spec (all optional)."""

    connection_name: Optional[str] = None
    """The Unity Catalog connection; ``""`` means none (use options and secrets)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """Connector options that are not secret, used without a connection; empty values are left out."""
    secret_scope: str = ""
    """The secret scope ``secrets`` are read from."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Connector option -> key in ``secret_scope``; an empty key leaves the option unset."""
    node_path: str = ""
    """The Node binary for the bridge (the ``nodePath`` option); empty: the data source's default."""
    catalog: str = ""
    """Catalog for tables whose spec names none."""
    schema: str = ""
    """Schema for tables whose spec names none."""

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> "Settings":
        """Settings from keyword arguments; an unknown name is an error naming the known ones."""
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"ingest() got unknown settings {unknown}; expected some of {sorted(known)}")
        return cls(**{name: value for name, value in values.items() if value is not None})


def _secret_reader(dlt: Any) -> Callable[[str, str], str]:
    # A local runtime (LocalPipeline) may hold the secrets itself.
    local = getattr(dlt, "get_secret", None)
    if callable(local):
        return local
    try:
        from databricks.sdk.runtime import dbutils  # type: ignore[import-not-found]  # Databricks runtime
    except ImportError as error:
        raise ImportError(
            "Reading connector secrets from a secret scope needs Databricks' dbutils "
            "(databricks.sdk.runtime); outside Databricks pass connection_options instead"
        ) from error
    return lambda scope, key: dbutils.secrets.get(scope=scope, key=key)


def source_options(
    spark: Any,
    spec: Mapping[str, Any],
    dlt: Any,
    connection_options: Optional[Mapping[str, str]],
    settings: Settings,
) -> Dict[str, str]:
    """The options every ``lakeflow_connect`` read of the pipeline carries (see the module docstring)."""
    if connection_options is None:
        connection_options = getattr(dlt, "connection_options", None)
    connection = spec.get("connection_name") if settings.connection_name is None else settings.connection_name
    if connection_options is not None:
        out = {str(key): str(value) for key, value in connection_options.items()}
    elif connection:
        out = {"databricks.connection": str(connection)}
        spark.conf.set(CONNECTION_INJECTION, "true")
    else:
        out = {str(key): str(value) for key, value in settings.options.items() if value not in (None, "")}
        wanted = {option: key for option, key in settings.secrets.items() if key}
        if wanted and not settings.secret_scope:
            raise ValueError(
                f"Connector options {sorted(wanted)} come from a secret scope, but no secret_scope is set "
                "(pipeline configuration lakeflow.secret_scope)"
            )
        if wanted:
            read = _secret_reader(dlt)
            for option, key in wanted.items():
                out[option] = read(settings.secret_scope, key)
    if settings.node_path:
        out[opts.NODE_PATH] = settings.node_path
    return out
