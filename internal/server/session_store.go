package server

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionStore is scs's pgxstore (same table, same SQL; its expired-session cleanup kept)
// with the request's context passed to each query. pgxstore runs them under
// context.Background(), so with the database frozen or cut off a signed-in visitor's request
// would wait for ever; with the request's context it is bound by the statement limit serve
// sets, and ends as a 503 (measured by internal/resilience).
type sessionStore struct {
	*pgxstore.PostgresStore
	db *pgxpool.Pool
}

func newSessionStore(db *pgxpool.Pool) *sessionStore {
	return &sessionStore{PostgresStore: pgxstore.New(db), db: db}
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry`, token).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	return err
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}
