locals {
  monitoring_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
}

# Alert incidents (schema 1.2) are published to cp-monitoring-alerts, which triggers the
# alerts function.
resource "google_monitoring_notification_channel" "alerts_topic" {
  project      = var.project_id
  display_name = "Stack control plane (${var.name_prefix})"
  type         = "pubsub"
  description  = "Delivers alert incidents to the control plane's alerts function."
  user_labels  = local.labels

  labels = {
    topic = google_pubsub_topic.flow["alerts"].id
  }
}

resource "google_pubsub_topic_iam_member" "monitoring_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.flow["alerts"].name
  role    = "roles/pubsub.publisher"
  member  = local.monitoring_service_agent
}

# user_labels select the default remediation rule: the alerts function reads them from
# the incident's policy_user_labels.
resource "google_monitoring_alert_policy" "zenml_server_down" {
  project               = var.project_id
  display_name          = "ZenML server is not running (${var.name_prefix})"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = [google_monitoring_notification_channel.alerts_topic.id]

  user_labels = {
    remediation = "redeploy"
    app         = "zenml-server"
  }

  conditions {
    display_name = "ZenML server container reports no uptime for 5 minutes"

    condition_absent {
      filter   = "resource.type = \"k8s_container\" AND resource.labels.cluster_name = \"${var.gke_cluster_name}\" AND resource.labels.namespace_name = \"${var.zenml_namespace}\" AND resource.labels.container_name = \"${var.zenml_app_name}\" AND metric.type = \"kubernetes.io/container/uptime\""
      duration = "300s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MEAN"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The ZenML server has reported no uptime for 5 minutes. The control plane redeploys it through Argo CD (workflow `redeploy`)."
  }
}

resource "google_logging_metric" "data_corruption" {
  project     = var.project_id
  name        = "${var.name_prefix}-cloudsql-data-corruption"
  description = "Cloud SQL error log lines that indicate corrupted data or tables."
  filter      = "resource.type=\"cloudsql_database\" AND resource.labels.database_id=\"${var.project_id}:${var.sql_instance_name}\" AND severity>=ERROR AND (textPayload:\"corrupt\" OR textPayload:\"Incorrect key file\" OR textPayload:\"marked as crashed\")"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_monitoring_alert_policy" "data_corruption" {
  project               = var.project_id
  display_name          = "Cloud SQL data corruption (${var.sql_instance_name})"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = [google_monitoring_notification_channel.alerts_topic.id]

  user_labels = {
    remediation = "pitr-restore"
    instance    = var.sql_instance_name
  }

  conditions {
    display_name = "Corruption errors in the Cloud SQL log"

    condition_threshold {
      filter          = "resource.type = \"cloudsql_database\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.data_corruption.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Cloud SQL logged data corruption. The control plane proposes a point-in-time restore (workflow `pitr-restore`); destructive actions wait for approval."
  }
}
