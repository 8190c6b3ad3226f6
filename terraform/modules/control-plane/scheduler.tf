locals {
  # The job name is half of the idempotency key (job name + schedule slot), so it is
  # stable and never derived from the environment. Each payload is the message schema of
  # shared/events/schemas/scheduled-jobs.ts (BackupJob / CostReportJob) minus `job` and
  # `instance`, which the resource adds; test/terraform decodes them with those schemas.
  scheduler_jobs = {
    backup = {
      topic       = "backups"
      schedule    = var.backup_schedule
      description = "On-demand backup, export, retention purge and RPO check of ${var.sql_instance_name}."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupJob", task = "backup", slotMinutes = 1440 }
    }
    restore-drill = {
      topic       = "backups"
      schedule    = var.restore_drill_schedule
      description = "Restore drill: PITR clone of ${var.sql_instance_name} to a scratch instance, verify, delete, record RTO."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupJob", task = "restore-drill", slotMinutes = 10080 }
    }
    # Remediation runs hand their work to a workflow execution; this tick makes the alerts
    # function end each run when its execution has ended (and renew the in-flight lock).
    remediation-follow = {
      topic       = "alerts"
      schedule    = "* * * * *"
      description = "Follows remediation workflow executions to their end (alerts function)."
      payload     = { apiVersion = "stackctl/v1", kind = "RemediationFollowJob", slotMinutes = 1 }
    }
    cost-report = {
      topic       = "costReports"
      schedule    = var.cost_report_schedule
      description = "Weekly cost report priced with the Cloud Billing Catalog."
      payload     = { apiVersion = "stackctl/v1", kind = "CostReportJob", period = "week", slotMinutes = 10080 }
    }
  }
}

resource "google_cloud_scheduler_job" "jobs" {
  for_each = local.scheduler_jobs

  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-${each.key}"
  description = each.value.description
  schedule    = each.value.schedule
  time_zone   = var.schedule_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.flow[each.value.topic].id
    data = base64encode(jsonencode(merge(
      each.value.payload,
      { job = each.key },
      each.value.payload.kind == "BackupJob" ? { instance = var.sql_instance_name } : {},
    )))
    attributes = { job = each.key }
  }

  # Publishing is the only step Scheduler owns; redelivery after that is Pub/Sub's job.
  retry_config {
    retry_count          = 3
    min_backoff_duration = "10s"
    max_backoff_duration = "300s"
  }
}
