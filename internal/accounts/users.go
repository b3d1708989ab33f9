package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/validate"
)

// NewUser is what creating an account needs.
type NewUser struct {
	Email    string
	Name     string
	Role     access.Role
	OrgSlug  string // the agency of an RSL officer
	Password string
}

// ErrEmailTaken means another account already uses the email address.
var ErrEmailTaken = errors.New("an account with that email address already exists")

// NormalizeEmail trims and lower-cases an address and checks its shape.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return "", errors.New("enter an email address like name@example.org")
	}
	return s, nil
}

// Create adds an account, hashing its password, and records the event in the audit trail.
// It returns the new user's id.
func Create(ctx context.Context, db *pgxpool.Pool, u NewUser, params HashParams) (int64, error) {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return 0, err
	}
	// The same rules as the admin's form (clean): a name is shown in lists, exports and
	// emails, so control characters, markup and direction overrides are refused here too.
	var problems validate.Errors
	name := problems.Name("name", "Name", u.Name, true, 120)
	if len(problems) > 0 {
		return 0, errors.New(problems[0].Message)
	}
	if !u.Role.Valid() {
		return 0, fmt.Errorf("role must be one of admin, champion, housing_staff, rsl_officer")
	}
	if u.Role == access.RSLOfficer && u.OrgSlug == "" {
		return 0, errors.New("an rsl_officer needs --org, the slug of their organisation")
	}
	if err := CheckPassword(u.Password, u.Name, u.Email); err != nil {
		return 0, err
	}
	hash, err := HashPassword(u.Password, params)
	if err != nil {
		return 0, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var agencyID *int64
		if u.OrgSlug != "" {
			var aid int64
			if err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1 AND archived_at IS NULL`, u.OrgSlug).Scan(&aid); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return fmt.Errorf("no organisation with slug %q", u.OrgSlug)
				}
				return err
			}
			agencyID = &aid
		}
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, agency_id, password_hash)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, email, name, string(u.Role), agencyID, hash).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_events (action, entity_type, entity_id, agency_id, after)
			VALUES ('user.create', 'user', $1, $2, jsonb_build_object('email', $3::text, 'name', $4::text, 'role', $5::text))`,
			id, agencyID, email, name, string(u.Role))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("accounts: create user: %w", err)
	}
	return id, nil
}
