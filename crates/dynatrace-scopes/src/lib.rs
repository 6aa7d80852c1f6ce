//! API token scopes of Dynatrace Environment API v2 and presets for common jobs.
//!
//! `catalogue.tsv` lists every scope a new token can be created with, one `id<TAB>meaning` row
//! each, in the order of `ApiTokenCreate.scopes` in the official npm package
//! `@dynatrace-sdk/client-classic-environment-v2` 9.0.1. The contract test in `tests/contract`
//! compares the file with that package, so the two cannot drift apart unnoticed.

use std::sync::LazyLock;

use serde::Serialize;

const CATALOGUE_TSV: &str = include_str!("catalogue.tsv");

/// One scope a new API token can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Scope ID as the API spells it, for example `metrics.ingest` or `InstallerDownload`.
    pub id: &'static str,
    /// One-line meaning from Dynatrace's API documentation.
    pub meaning: &'static str,
}

static CATALOGUE: LazyLock<Vec<Scope>> = LazyLock::new(|| {
    CATALOGUE_TSV
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (id, meaning) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("catalogue.tsv row without a tab: {line:?}"));
            Scope { id, meaning }
        })
        .collect()
});

/// Returns every scope a new API token can be created with, in the API's order.
pub fn catalogue() -> &'static [Scope] {
    &CATALOGUE
}

/// Returns the catalogue entry for `id`, or `None` for an unknown or legacy scope.
pub fn find(id: &str) -> Option<&'static Scope> {
    catalogue().iter().find(|scope| scope.id == id)
}

/// A named set of scopes for one common job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preset {
    /// Stable identifier, used in settings and the UI.
    pub id: &'static str,
    pub name: &'static str,
    /// One sentence on what a token with this preset is for.
    pub purpose: &'static str,
    pub scopes: &'static [&'static str],
    /// Dynatrace documentation page that lists these scopes.
    pub docs_url: &'static str,
}

/// Presets for the jobs admins most often create tokens for.
///
/// Each list follows the documentation page named in `docs_url`. The Kubernetes operator list is
/// the classic "Kubernetes: Dynatrace Operator" template: `DataExport` and `entities.read` are
/// needed only by some operator versions, and newer set-ups use platform tokens instead.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "oneagent-installer",
        name: "OneAgent installer download",
        purpose: "Download OneAgent installers, for example from a deployment script.",
        scopes: &["InstallerDownload"],
        docs_url: "https://docs.dynatrace.com/docs/shortlink/api-deployment-get-latest-oneagent",
    },
    Preset {
        id: "kubernetes-operator",
        name: "Kubernetes: Dynatrace Operator",
        purpose: "Let Dynatrace Operator deploy OneAgent and ActiveGate in a cluster.",
        scopes: &[
            "InstallerDownload",
            "DataExport",
            "entities.read",
            "settings.read",
            "settings.write",
            "activeGateTokenManagement.create",
        ],
        docs_url: "https://docs.dynatrace.com/docs/shortlink/installation-k8s-tokens-permissions",
    },
    Preset {
        id: "kubernetes-data-ingest",
        name: "Kubernetes: Data ingest",
        purpose: "Send metrics, logs and traces from a cluster through Dynatrace Operator.",
        scopes: &["metrics.ingest", "logs.ingest", "openTelemetryTrace.ingest"],
        docs_url: "https://docs.dynatrace.com/docs/shortlink/installation-k8s-tokens-permissions",
    },
    Preset {
        id: "log-ingest",
        name: "Log ingest",
        purpose: "Send log lines to the log ingest API, for example from Fluent Bit.",
        scopes: &["logs.ingest"],
        docs_url: "https://docs.dynatrace.com/docs/discover-dynatrace/references/dynatrace-api/environment-api/log-monitoring-v2/post-ingest-logs",
    },
    Preset {
        id: "metric-ingest",
        name: "Metric ingest",
        purpose: "Send metric data points to the metrics ingest API.",
        scopes: &["metrics.ingest"],
        docs_url: "https://docs.dynatrace.com/docs/discover-dynatrace/references/dynatrace-api/environment-api/metric-v2/post-ingest-metrics",
    },
    Preset {
        id: "read-only-monitoring",
        name: "Read-only monitoring",
        purpose: "Read entities, metrics, problems, events, logs and SLOs for reports and dashboards.",
        scopes: &[
            "entities.read",
            "metrics.read",
            "problems.read",
            "events.read",
            "logs.read",
            "slo.read",
        ],
        docs_url: "https://docs.dynatrace.com/docs/discover-dynatrace/references/dynatrace-api/basics/dynatrace-api-authentication",
    },
    Preset {
        id: "configuration-as-code",
        name: "Configuration as code (Monaco)",
        purpose: "Download and deploy configuration with Monaco or the Terraform provider.",
        scopes: &[
            "ReadConfig",
            "WriteConfig",
            "DataExport",
            "settings.read",
            "settings.write",
            "slo.read",
            "slo.write",
            "entities.read",
            "credentialVault.read",
            "credentialVault.write",
            "syntheticLocations.read",
            "syntheticLocations.write",
            "ExternalSyntheticIntegration",
            "networkZones.read",
            "networkZones.write",
            "attacks.read",
            "attacks.write",
            "extensions.read",
            "extensions.write",
            "extensionConfigurations.read",
            "extensionConfigurations.write",
        ],
        docs_url: "https://docs.dynatrace.com/docs/shortlink/monaco-api-support-and-access-handling",
    },
];

/// Returns the preset with `id`, if there is one.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn catalogue_has_every_creatable_scope() {
        assert_eq!(catalogue().len(), 91);
        assert_eq!(
            find("InstallerDownload").map(|s| s.id),
            Some("InstallerDownload")
        );
        assert!(find("apiTokens.write").is_some());
    }

    #[test]
    fn catalogue_ids_are_unique_and_meanings_present() {
        let mut seen = HashSet::new();
        for scope in catalogue() {
            assert!(seen.insert(scope.id), "duplicate scope {}", scope.id);
            assert!(
                !scope.meaning.trim().is_empty(),
                "scope {} has no meaning",
                scope.id
            );
            assert!(
                !scope.id.contains(char::is_whitespace),
                "scope {:?}",
                scope.id
            );
        }
    }

    #[test]
    fn legacy_scope_is_not_creatable() {
        assert!(find("ViewDashboard").is_none());
    }

    #[test]
    fn presets_use_only_catalogue_scopes() {
        for preset in PRESETS {
            assert!(!preset.scopes.is_empty(), "preset {} is empty", preset.id);
            for scope in preset.scopes {
                assert!(
                    find(scope).is_some(),
                    "preset {} has unknown scope {scope}",
                    preset.id
                );
            }
        }
    }

    #[test]
    fn preset_ids_are_unique() {
        let ids: HashSet<_> = PRESETS.iter().map(|preset| preset.id).collect();
        assert_eq!(ids.len(), PRESETS.len());
    }
}
