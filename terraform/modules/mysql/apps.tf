# The apps' databases and users. Each password is ephemeral (never in plan or state), set on
# the user through a write-only argument and stored as the connection JSON the apps read
# (External Secrets) and pitr-restore repoints: {instance, instanceConnectionName, database,
# user, password, ipType}.

ephemeral "random_password" "apps" {
  for_each = var.app_databases

  length           = 32
  special          = true
  override_special = "-_.~"
}

resource "google_sql_database" "apps" {
  for_each = var.app_databases

  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = each.key
  charset  = "utf8mb4"
}

resource "google_sql_user" "apps" {
  for_each = var.app_databases

  project             = var.project_id
  instance            = google_sql_database_instance.this.name
  name                = each.key
  host                = "%"
  password_wo         = ephemeral.random_password.apps[each.key].result
  password_wo_version = var.root_password_version
}

resource "google_secret_manager_secret_version" "apps" {
  for_each = var.app_databases

  secret = each.value
  secret_data_wo = jsonencode({
    instance               = google_sql_database_instance.this.name
    instanceConnectionName = google_sql_database_instance.this.connection_name
    database               = each.key
    user                   = each.key
    password               = ephemeral.random_password.apps[each.key].result
    ipType                 = "PRIVATE"
  })
  secret_data_wo_version = var.root_password_version

  depends_on = [google_sql_user.apps]
}
