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

# Composite indexes of the state store's queries (FIRESTORE_INDEXES in
# shared/adapters/gcp/firestore-state-store.ts; a test keeps the two equal). Without one, a query
# that filters on one field and orders by another fails with FAILED_PRECONDITION in production,
# though the emulator answers it. Queries with several equality filters merge these indexes.
locals {
  firestore_indexes = {
    "runs-flow-createdAt"     = { collection = "runs", fields = [["flow", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    "runs-status-createdAt"   = { collection = "runs", fields = [["status", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    "runs-target-createdAt"   = { collection = "runs", fields = [["target", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    "audit-runId-at"          = { collection = "audit", fields = [["runId", "ASCENDING"], ["at", "DESCENDING"]] }
    "audit-flow-at"           = { collection = "audit", fields = [["flow", "ASCENDING"], ["at", "DESCENDING"]] }
    "audit-target-at"         = { collection = "audit", fields = [["target", "ASCENDING"], ["at", "DESCENDING"]] }
    "audit-result-at"         = { collection = "audit", fields = [["result", "ASCENDING"], ["at", "DESCENDING"]] }
    "deadLetters-replayed-at" = { collection = "deadLetters", fields = [["replayed", "ASCENDING"], ["at", "DESCENDING"]] }
    "deadLetters-flow-at"     = { collection = "deadLetters", fields = [["flow", "ASCENDING"], ["at", "DESCENDING"]] }
    "parked-target-parkedAt"  = { collection = "parked", fields = [["target", "ASCENDING"], ["parkedAt", "ASCENDING"]] }
    "outbox-runId-orderMs"    = { collection = "outbox", fields = [["runId", "ASCENDING"], ["orderMs", "ASCENDING"]] }
  }
}

resource "google_firestore_index" "state" {
  for_each = local.firestore_indexes

  project    = var.project_id
  database   = google_firestore_database.state.name
  collection = each.value.collection

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value[0]
      order      = fields.value[1]
    }
  }
}
