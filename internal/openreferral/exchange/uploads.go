package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/postgres"
)

// Uploads keep a file between its dry run and its confirmation (table import_uploads): the
// confirmation names the file by a token, so what is applied is the file that was previewed,
// and only by the admin who uploaded it.

// SaveUpload keeps data for v and returns its token; uploads older than a day go.
func SaveUpload(ctx context.Context, db postgres.Beginner, v access.Viewer, name string, data []byte) (string, error) {
	if !v.IsAdmin() {
		return "", edit.ErrNotFound
	}
	name = safeName(name)
	if name == "" {
		name = "upload"
	}
	if len([]rune(name)) > 200 {
		name = string([]rune(name)[:200])
	}
	var token string
	err := postgres.WithTx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM import_uploads WHERE created_at < now() - interval '1 day'`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO import_uploads (user_id, file_name, data) VALUES ($1, $2, $3) RETURNING token::text`,
			v.UserID, name, data).Scan(&token)
	})
	if err != nil {
		return "", fmt.Errorf("exchange: save upload: %w", err)
	}
	return token, nil
}

// LoadUpload is the file v uploaded with this token: its name and bytes, or edit.ErrNotFound
// (no such upload, another person's, or removed).
func LoadUpload(ctx context.Context, db postgres.Querier, v access.Viewer, token string) (string, []byte, error) {
	if !v.IsAdmin() || !validToken(token) {
		return "", nil, edit.ErrNotFound
	}
	var name string
	var data []byte
	err := db.QueryRow(ctx, `SELECT file_name, data FROM import_uploads WHERE token = $1::uuid AND user_id = $2
		AND created_at > now() - interval '1 day'`, token, v.UserID).Scan(&name, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, edit.ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("exchange: load upload: %w", err)
	}
	return name, data, nil
}

// DropUpload removes an upload once it is applied.
func DropUpload(ctx context.Context, db postgres.Beginner, v access.Viewer, token string) error {
	if !validToken(token) {
		return nil
	}
	return postgres.WithTx(ctx, db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM import_uploads WHERE token = $1::uuid AND user_id = $2`, token, v.UserID)
		return err
	})
}

func validToken(s string) bool { return openreferral.ValidUUID(s) }
