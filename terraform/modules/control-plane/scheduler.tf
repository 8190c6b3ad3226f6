locals {
  # The job name is half of the idempotency key (job name + schedule slot), so it is
  # stable and never derived from the environment. Each payload is the message schema of
  # shared/events/schemas/scheduled-jobs.ts (BackupJob / CostReportJob / RemediationFollowJob / BackupFollowJob)
  # minus `job` and `instance`, which the resource adds; test/terraform decodes them with
  # those schemas. slotMinutes matches the schedule's period, so Scheduler's retries of one
  # run fall in the same slot. bucket-restore is on demand (stackctl or a published job).
  scheduler_jobs = {
    backup = {
      topic       = "backups"
      schedule    = var.backup_schedule
      description = "On-demand backup (backupRuns.insert) of ${var.sql_instance_name}, stored in ${var.backup_region}."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupJob", task = "backup", slotMinutes = 1440, options = {} }
    }
    export = {
      topic       = "backups"
      schedule    = var.export_schedule
      description = "Export of every user database of ${var.sql_instance_name} (gzip SQL) to gs://${var.backup_bucket_name}."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupJob", task = "export", slotMinutes = 1440, options = { bucket = var.backup_bucket_name } }
    }
    retention = {
      topic       = "backups"
      schedule    = var.retention_schedule
      description = "Retention purge of ON_DEMAND backup runs and exports of ${var.sql_instance_name} (never AUTOMATED runs)."
      payload = {
        apiVersion = "stackctl/v1", kind = "BackupJob", task = "retention", slotMinutes = 1440
        options    = { keepOnDemand = var.on_demand_backups_kept, exportRetentionDays = var.export_retention_days, bucket = var.backup_bucket_name }
      }
    }
    rpo-check = {
      topic       = "backups"
      schedule    = var.rpo_check_schedule
      description = "RPO check: age of the newest good backup and export of ${var.sql_instance_name} as a metric."
      payload = {
        apiVersion = "stackctl/v1", kind = "BackupJob", task = "rpo-check", slotMinutes = 30
        options    = { objectiveHours = var.rpo_objective_hours, bucket = var.backup_bucket_name }
      }
    }
    restore-drill = {
      topic       = "backups"
      schedule    = var.restore_drill_schedule
      description = "Restore drill: PITR clone of ${var.sql_instance_name} to a scratch instance, verify, delete, record RTO."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupJob", task = "restore-drill", slotMinutes = 10080, options = {} }
    }
    # Remediation runs hand their work to a workflow execution; this tick makes the alerts
    # function end each run when its execution has ended (and renew the in-flight lock).
    remediation-follow = {
      topic       = "alerts"
      schedule    = "* * * * *"
      description = "Follows remediation workflow executions to their end (alerts function)."
      payload     = { apiVersion = "stackctl/v1", kind = "RemediationFollowJob", slotMinutes = 1 }
    }
    # restore-drill and bucket-restore runs hand their workflow execution over (they outlast a
    # delivery); this tick makes the backups function end each run when its execution has ended
    # (or cancel it past the drill's timeout) and renew the run's instance or bucket lock.
    backups-follow = {
      topic       = "backups"
      schedule    = "* * * * *"
      description = "Follows restore-drill and bucket-restore workflow executions to their end (backups function)."
      payload     = { apiVersion = "stackctl/v1", kind = "BackupFollowJob", slotMinutes = 1 }
    }
    cost-report = {
      topic       = "costReports"
      schedule    = var.cost_report_schedule
      description = "Weekly cost report priced with the Cloud Billing Catalog, written to gs://${google_storage_bucket.reports.name}."
      payload     = { apiVersion = "stackctl/v1", kind = "CostReportJob", period = "week", slotMinutes = 10080, formats = ["json", "markdown", "html"] }
    }
    cost-report-monthly = {
      topic       = "costReports"
      schedule    = var.cost_report_monthly_schedule
      description = "Monthly cost report with the month-end forecast against the budget."
      # A month is at most 31 days; one run per month falls in one 31-day slot only if the
      # slot is no longer than the shortest gap between runs (28 days).
      payload = { apiVersion = "stackctl/v1", kind = "CostReportJob", period = "month", slotMinutes = 40320, formats = ["json", "markdown", "html"] }
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
