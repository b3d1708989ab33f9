// Package audit is the record of who changed what: every change, sign-in, sign-out and failed
// sign-in writes an event in the same transaction as the change itself.
package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Event is one line of the audit trail. Before and After are the row as it was and as it
// became (any JSON-encodable value, never holding a password or token); either may be nil.
type Event struct {
	ActorID    int64  // 0 for the system or an anonymous visitor
	Action     string // "agency.update", "contact.create", "auth.sign_in", ...
	EntityType string // "agency", "contact", "user", ...
	EntityID   int64
	AgencyID   int64 // the organisation the change concerns, for filtering (0 for none)
	Before     any
	After      any
}

// Record writes e inside tx, so the event exists exactly when the change does.
func Record(ctx context.Context, tx pgx.Tx, e Event) error {
	_, err := record(ctx, tx, e)
	return err
}

// record is Record, returning the new event's id.
func record(ctx context.Context, tx pgx.Tx, e Event) (int64, error) {
	before, err := encode(e.Before)
	if err != nil {
		return 0, err
	}
	after, err := encode(e.After)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id, agency_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, nullID(e.ActorID), e.Action, e.EntityType, nullID(e.EntityID), nullID(e.AgencyID), before, after).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return id, nil
}

func encode(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	return b, nil
}

func nullID(id int64) *int64 {
	if id <= 0 { // 0, or below for the command line acting as an admin who is no user
		return nil
	}
	return &id
}
