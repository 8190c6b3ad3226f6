# The production state store (idempotency keys, locks, audit, dead letters). Firestore
# needs no VPC connector, and it is not rolled back when the metadata database is restored.
resource "google_firestore_database" "state" {
  project                           = var.project_id
  name                              = var.firestore_database_id
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "OPTIMISTIC"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy                   = var.deletion_protection ? "ABANDON" : "DELETE"
}
