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

# MLflow beside ZenML: the same remediation rule (redeploy, app from the label) applies.
resource "google_monitoring_alert_policy" "mlflow_server_down" {
  project               = var.project_id
  display_name          = "MLflow server is not running (${var.name_prefix})"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = [google_monitoring_notification_channel.alerts_topic.id]

  user_labels = {
    remediation = "redeploy"
    app         = var.mlflow_app_name
  }

  conditions {
    display_name = "MLflow server container reports no uptime for 5 minutes"

    condition_absent {
      filter   = "resource.type = \"k8s_container\" AND resource.labels.cluster_name = \"${var.gke_cluster_name}\" AND resource.labels.namespace_name = \"${var.zenml_namespace}\" AND resource.labels.container_name = \"${var.mlflow_app_name}\" AND metric.type = \"kubernetes.io/container/uptime\""
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
    content   = "The MLflow server has reported no uptime for 5 minutes. The control plane redeploys it through Argo CD (workflow `redeploy`)."
  }
}

# The seed's "health checks": Cloud Monitoring probes each app's public HTTPS endpoint
# through the load balancer from several regions.
resource "google_monitoring_uptime_check_config" "apps" {
  for_each = var.app_hosts

  project      = var.project_id
  display_name = "${each.key} health (${var.name_prefix})"
  timeout      = "10s"
  period       = "60s"
  checker_type = "STATIC_IP_CHECKERS"
  user_labels  = merge(local.labels, { app = each.key })

  http_check {
    path           = "/health"
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = each.value
    }
  }
}

resource "google_monitoring_alert_policy" "app_uptime" {
  for_each = var.app_hosts

  project               = var.project_id
  display_name          = "${each.key} endpoint failing its health check (${var.name_prefix})"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = concat([google_monitoring_notification_channel.alerts_topic.id], local.people_channels)

  user_labels = {
    remediation = "redeploy"
    app         = each.key
  }

  conditions {
    display_name = "https://${each.value}/health fails from 2 or more checker regions"

    condition_threshold {
      filter          = "resource.type = \"uptime_url\" AND metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.labels.check_id = \"${google_monitoring_uptime_check_config.apps[each.key].uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "180s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.labels.host"]
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "https://${each.value}/health has failed for 3 minutes from several regions. The control plane redeploys `${each.key}` through Argo CD (workflow `redeploy`)."
  }
}
