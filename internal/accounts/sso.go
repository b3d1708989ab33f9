package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Why a council sign-in is refused, each said plainly on the sign-in page.
var (
	// ErrNoRole: none of the person's groups is one the directory maps to a role.
	ErrNoRole = errors.New("accounts: no group of the person maps to a role")
	// ErrLocalOnly: the account is an RSL officer's, which signs in with its password.
	ErrLocalOnly = errors.New("accounts: the account signs in with its password")
	// ErrInactive: the account has been deactivated by an admin.
	ErrInactive = errors.New("accounts: the account is deactivated")
	// ErrOtherIdentity: the account is linked to another identity at the provider (its
	// email address has since been given to someone else).
	ErrOtherIdentity = errors.New("accounts: the account belongs to another council identity")
)

// SSOIdentity is who the council's provider says signed in, and the role their groups give
// ("" for none).
type SSOIdentity struct {
	ID    string // the provider's lasting name for the person (issuer and subject)
	Email string // verified by the provider
	Name  string
	Role  access.Role
}

// SignInSSO finds the account for a council sign-in by its verified email, or makes one when
// a group gives a role. The role follows the groups at every sign-in (a change ends the
// account's other sessions, as an admin's change does); an account first used through single
// sign-on keeps that identity, and RSL officers' accounts stay with their passwords.
func (s *Store) SignInSSO(ctx context.Context, id SSOIdentity) (User, error) {
	email, err := NormalizeEmail(id.Email)
	if err != nil {
		return User{}, ErrNoRole
	}
	var u User
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var agencyID, contactID *int64
		var linked *string
		err := tx.QueryRow(ctx, `SELECT id, email, name, role, agency_id, contact_id, active, session_epoch,
			totp_secret IS NOT NULL, sso_identity FROM users WHERE email = $1 FOR UPDATE`, email).
			Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &u.TwoFactor, &linked)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if id.Role == access.Anonymous {
				return ErrNoRole
			}
			return s.createSSO(ctx, tx, &u, email, id)
		case err != nil:
			return err
		}
		u.AgencyID, u.ContactID = deref(agencyID), deref(contactID)
		switch {
		case !u.Active:
			return ErrInactive
		case u.Role == access.RSLOfficer:
			return ErrLocalOnly
		case linked != nil && *linked != id.ID:
			return ErrOtherIdentity
		case id.Role == access.Anonymous:
			return ErrNoRole
		}
		if u.Role != id.Role {
			before := u.Role
			if err := tx.QueryRow(ctx, `UPDATE users SET role = $2, session_epoch = session_epoch + 1, version = version + 1,
				updated_at = now() WHERE id = $1 RETURNING session_epoch`, u.ID, string(id.Role)).Scan(&u.Epoch); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
			u.Role = id.Role
			if err := audit.Record(ctx, tx, audit.Event{Action: "user.role_from_groups", EntityType: "user", EntityID: u.ID,
				AgencyID: u.AgencyID, Before: map[string]any{"role": before.Label()}, After: map[string]any{"role": u.Role.Label()}}); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET sso_identity = $2, last_login_at = now() WHERE id = $1`, u.ID, id.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "auth.sign_in", EntityType: "user", EntityID: u.ID,
			AgencyID: u.AgencyID, After: map[string]any{"via": "single sign-on"}})
	})
	if err != nil {
		if errors.Is(err, ErrNoRole) || errors.Is(err, ErrLocalOnly) || errors.Is(err, ErrInactive) || errors.Is(err, ErrOtherIdentity) {
			return User{}, err
		}
		return User{}, fmt.Errorf("accounts: single sign-on: %w", err)
	}
	return u, nil
}

// createSSO makes the account of a first council sign-in, with no password.
func (s *Store) createSSO(ctx context.Context, tx pgx.Tx, u *User, email string, id SSOIdentity) error {
	// The provider's name is shown in lists and emails: the same rules as an admin's form,
	// falling back to the email's name part when it breaks them.
	var problems validate.Errors
	name := problems.Name("name", "Name", id.Name, true, 120)
	if len(problems) > 0 {
		name, _, _ = strings.Cut(email, "@")
	}
	err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, sso_identity, last_login_at) VALUES ($1, $2, $3, $4, now())
		RETURNING id, session_epoch`, email, name, string(id.Role), id.ID).Scan(&u.ID, &u.Epoch)
	if err != nil {
		return err
	}
	u.Email, u.Name, u.Role, u.Active = email, name, id.Role, true
	if err := audit.Record(ctx, tx, audit.Event{Action: "user.create", EntityType: "user", EntityID: u.ID,
		After: map[string]any{"email": email, "name": name, "role": u.Role.Label(), "via": "single sign-on"}}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "auth.sign_in", EntityType: "user", EntityID: u.ID,
		After: map[string]any{"via": "single sign-on"}})
}
