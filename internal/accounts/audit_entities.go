package accounts

import (
	"fmt"

	"dadirectory/internal/audit"
)

// AuditEntities describes accounts to the audit trail: where they live, the name it shows for
// one, and how a change to one is reverted. The keys are those Account.auditRow records; an
// account's email and name are not put back by a revert (an admin edits them), nor is its
// creation undone.
func AuditEntities() []audit.Entity {
	return []audit.Entity{{
		Type:       "user",
		Table:      "users",
		NameColumn: "name",
		Fields: []audit.Field{
			{Name: "role", Kind: audit.Text},
			{Name: "organisation", Kind: audit.SlugRef, Column: "agency_id", Table: "agencies"},
			{Name: "champion_entry", Kind: audit.Int, Column: "contact_id"},
			{Name: "active", Kind: audit.Bool},
		},
		// New rights or none: the account's sessions end, as they do when an admin edits it.
		Set: `session_epoch = session_epoch + 1`,
		// The same lock as every change here that could leave no active admin.
		Lock: fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, usersLockKey),
		// An account a revert deactivates loses its unused invitation and reset links too.
		After: `UPDATE user_tokens SET revoked_at = now() WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL
			AND NOT (SELECT active FROM users WHERE id = $1)`,
		Check:        `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)`,
		CheckMessage: "Reverting this change would leave no active administrator.",
	}}
}
