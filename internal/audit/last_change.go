package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres"
)

// LastChange says who made the latest recorded change to an entity and when, for a page that
// tells someone their form lost a race ("Ana saved this on ..."). by is "" when the trail
// does not know (no event, or a change by the system).
func LastChange(ctx context.Context, q postgres.Querier, entityType string, id int64) (by string, at time.Time, err error) {
	err = q.QueryRow(ctx, `SELECT coalesce(u.name, ''), e.occurred_at FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.entity_type = $1 AND e.entity_id = $2 ORDER BY e.id DESC LIMIT 1`, entityType, id).Scan(&by, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("audit: last change of %s %d: %w", entityType, id, err)
	}
	return by, at, nil
}
