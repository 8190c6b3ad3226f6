# Notification channels for people, and the alert policies through which the control plane
# watches itself and the backups. Incidents that a remediation rule may act on also go to
# the Pub/Sub channel of cp-monitoring-alerts (monitoring.tf).

ephemeral "google_secret_manager_secret_version" "slack_token" {
  count = var.slack_channel == "" ? 0 : 1

  project = var.project_id
  secret  = var.slack_token_secret_id
  version = "latest"
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  project      = var.project_id
  display_name = "Stack control plane (${var.name_prefix}): ${each.key}"
  type         = "email"
  user_labels  = local.labels

  labels = {
    email_address = each.key
  }
}

# Monitoring's Slack integration posts with a Slack app's OAuth token (an incoming-webhook URL
# cannot take Monitoring's payload). The token stays in Secret Manager: it is read ephemerally
# and sent through a write-only argument, so it is in neither the plan nor the state.
resource "google_monitoring_notification_channel" "slack" {
  count = var.slack_channel == "" ? 0 : 1

  project      = var.project_id
  display_name = "Stack control plane (${var.name_prefix}): Slack ${var.slack_channel}"
  type         = "slack"
  user_labels  = local.labels

  labels = {
    channel_name = var.slack_channel
  }

  sensitive_labels {
    auth_token_wo         = ephemeral.google_secret_manager_secret_version.slack_token[0].secret_data
    auth_token_wo_version = var.slack_token_version
  }
}

locals {
  people_channels = concat(
    [for c in google_monitoring_notification_channel.email : c.id],
    [for c in google_monitoring_notification_channel.slack : c.id],
  )

  # Backups alerts go to people and to the control plane (the RPO rule takes a backup).
  backup_alert_channels = concat(local.people_channels, [google_monitoring_notification_channel.alerts_topic.id])

  rpo_seconds = var.rpo_objective_hours * 3600
}

# ------------------------------------------------------------------ the control plane itself

# A message in a dead-letter subscription is work that did not happen.
resource "google_monitoring_alert_policy" "dead_letters" {
  for_each = local.topics

  project               = var.project_id
  display_name          = "Dead letters on ${each.value} (${var.name_prefix})"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.people_channels
  user_labels           = { component = "stack-control-plane", watch = "dead-letters", flow = lower(each.key) }

  conditions {
    display_name = "Undelivered messages in ${google_pubsub_subscription.dead_letter[each.key].name}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dead_letter[each.key].name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Messages reached `${google_pubsub_subscription.dead_letter[each.key].name}`: each is a request the control plane could not process. `stackctl dead-letters --project ${var.project_id}` shows them with their reasons; `stackctl dead-letters replay <id> --project ${var.project_id}` retries one once the cause is fixed."
  }
}

resource "google_monitoring_alert_policy" "workflow_failures" {
  project               = var.project_id
  display_name          = "Workflow executions failed (${var.name_prefix})"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.people_channels
  user_labels           = { component = "stack-control-plane", watch = "workflows" }

  conditions {
    display_name = "A control plane workflow execution ended FAILED"

    condition_threshold {
      filter          = "resource.type = \"workflows.googleapis.com/Workflow\" AND metric.type = \"workflows.googleapis.com/finished_execution_count\" AND metric.labels.status = \"FAILED\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.workflow_id"]
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A workflow execution failed. `gcloud workflows executions list <workflow> --location ${var.region} --filter=state=FAILED` lists them; `stackctl runs --project ${var.project_id} --status failed` shows the run that started it."
  }
}

# The functions answer 503 on purpose for transient failures (Pub/Sub redelivers), so a few
# 5xx are normal; most requests failing for 10 minutes is not.
resource "google_monitoring_alert_policy" "function_errors" {
  for_each = local.functions

  project               = var.project_id
  display_name          = "Function ${each.value.name} is failing (${var.name_prefix})"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.people_channels
  user_labels           = { component = "stack-control-plane", watch = "functions", flow = lower(each.key) }

  conditions {
    display_name = "More than ${var.function_error_ratio_percent}% of ${each.value.name}'s requests answer 5xx for 10 minutes"

    condition_threshold {
      filter             = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.value.name}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      denominator_filter = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.value.name}\" AND metric.type = \"run.googleapis.com/request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.function_error_ratio_percent / 100
      duration           = "600s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.service_name"]
      }

      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.service_name"]
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Most deliveries to ${each.value.name} fail. Its logs: `gcloud logging read 'resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${each.value.name}\" AND severity>=WARNING' --project ${var.project_id} --limit 50`."
  }
}

# ------------------------------------------------------------------ backups

# Written by the backups function's rpo-check task: seconds since the newest SUCCESSFUL
# backup (kind = "backup") and the newest verified export (kind = "export").
resource "google_monitoring_alert_policy" "rpo_breach" {
  project               = var.project_id
  display_name          = "Backup RPO breached on ${var.sql_instance_name} (${var.name_prefix})"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.backup_alert_channels

  # The backups remediation rule reads these: an on-demand backup of `instance`.
  user_labels = {
    remediation = "backup"
    instance    = var.sql_instance_name
  }

  conditions {
    display_name = "Newest good backup or export older than ${var.rpo_objective_hours} h"

    condition_threshold {
      filter          = "metric.type = \"custom.googleapis.com/stack_control_plane/backup_age_seconds\" AND metric.labels.instance = \"${var.sql_instance_name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = local.rpo_seconds
      duration        = "0s"

      aggregations {
        alignment_period   = "600s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  # No measurement at all is a breach too: the rpo-check job itself stopped.
  conditions {
    display_name = "No RPO measurement for 2 hours"

    condition_absent {
      filter   = "metric.type = \"custom.googleapis.com/stack_control_plane/backup_age_seconds\" AND metric.labels.instance = \"${var.sql_instance_name}\""
      duration = "7200s"

      aggregations {
        alignment_period   = "600s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The newest good backup or export of `${var.sql_instance_name}` is older than the ${var.rpo_objective_hours} h objective, or the RPO check stopped reporting. The control plane takes an on-demand backup (remediation `backup`); `stackctl backups --project ${var.project_id}` lists backups and exports with their age."
  }
}

# Written by the restore drill: 1 when a drill verified its clone, 0 when it failed.
resource "google_monitoring_alert_policy" "drill_failure" {
  project               = var.project_id
  display_name          = "Restore drill failed on ${var.sql_instance_name} (${var.name_prefix})"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.backup_alert_channels
  user_labels           = { component = "stack-control-plane", watch = "restore-drill", instance = var.sql_instance_name }

  conditions {
    display_name = "restore_drill_success reported 0"

    condition_threshold {
      filter          = "metric.type = \"custom.googleapis.com/stack_control_plane/restore_drill_success\" AND metric.labels.instance = \"${var.sql_instance_name}\""
      comparison      = "COMPARISON_LT"
      threshold_value = 1
      duration        = "0s"

      aggregations {
        alignment_period   = "3600s"
        per_series_aligner = "ALIGN_MIN"
      }
    }
  }

  alert_strategy {
    auto_close = "604800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The weekly restore drill of `${var.sql_instance_name}` could not prove that a point-in-time clone is usable. `stackctl backups --project ${var.project_id}` shows the last drills with their RTO and error; the drill always deletes its scratch instance `${var.sql_instance_name}-drill-<date>`."
  }
}
