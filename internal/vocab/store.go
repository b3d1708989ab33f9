package vocab

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is where admins change the vocabulary. Every method takes the viewer and answers
// edit.ErrNotFound to anyone but an admin; every change writes its audit event in the same
// transaction, and the tables' triggers tell the search index to reload.
type Store struct {
	db *pgxpool.Pool
}

// NewStore returns a Store over db.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db} }

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("vocab: %s: %w", what, err)
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
