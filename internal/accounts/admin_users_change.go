package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// The changes an admin makes to accounts (see admin_users.go for reading them). Each is one
// transaction with its audit event; role, organisation and deactivation end the account's
// sessions by moving session_epoch on.

// Invitation is a new account and the link that lets its owner set a password: shown to the
// admin, or, with mail on, Emailed to the owner (and then Link is empty: the token is made
// when the email is sent, so no working link is ever stored).
type Invitation struct {
	Account Account
	Link    Link
	Emailed bool
}

// Invite creates an account without a password, and a one-time link (valid LinkValidity) that
// sets one. It returns validate.Errors for bad input, including an address already in use.
func (s *Store) Invite(ctx context.Context, v access.Viewer, in Input) (Invitation, error) {
	if !v.IsAdmin() {
		return Invitation{}, edit.ErrNotFound
	}
	var out Invitation
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		c, errs := clean(ctx, tx, in, true)
		if len(errs) > 0 {
			return errs
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, agency_id, contact_id)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.email, c.name, string(c.role), nullID(c.agencyID), nullID(c.contactID)).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return validate.Errors{{Field: "email", Message: "An account with that email address already exists. Find it in the list of users."}}
		}
		if err != nil {
			return fmt.Errorf("accounts: invite: %w", err)
		}
		if out.Account, err = loadAccount(ctx, tx, id, false); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "user.create", EntityType: "user",
			EntityID: id, AgencyID: c.agencyID, After: out.Account.auditRow()}); err != nil {
			return err
		}
		if s.queue.On() {
			out.Emailed = true
			return s.queue.Insert(ctx, tx, LinkEmailArgs{UserID: id, Purpose: PurposeInvite, ActorID: v.UserID}, nil)
		}
		out.Link, err = issueLink(ctx, tx, v.UserID, id, c.agencyID, PurposeInvite, LinkValidity)
		return err
	})
	return out, err
}

// Update changes an account's role, organisation and champion entry, provided the form was
// opened on its current version. A change of role or organisation ends every session of the
// account (session_epoch moves on), so its owner signs in again with the new rights.
func (s *Store) Update(ctx context.Context, v access.Viewer, id int64, in Input, version int) (Account, error) {
	if !v.IsAdmin() {
		return Account{}, edit.ErrNotFound
	}
	var out Account
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockAccounts(ctx, tx); err != nil {
			return err
		}
		before, err := loadAccount(ctx, tx, id, true)
		if err != nil {
			return err
		}
		c, errs := clean(ctx, tx, in, false)
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if c.role == before.Role && c.agencyID == before.AgencyID && c.contactID == before.ContactID {
			out = before
			return nil
		}
		if before.Role == access.Admin && c.role != access.Admin && before.Active {
			if err := keepAnAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE users SET role = $2, agency_id = $3, contact_id = $4,
				session_epoch = session_epoch + CASE WHEN role <> $2 OR agency_id IS DISTINCT FROM $3 THEN 1 ELSE 0 END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $5`, id, string(c.role), nullID(c.agencyID), nullID(c.contactID), version)
		if err != nil {
			return fmt.Errorf("accounts: update %d: %w", id, err)
		}
		if out, err = loadAccount(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "user.update", EntityType: "user",
			EntityID: id, AgencyID: firstNonZero(out.AgencyID, before.AgencyID), Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// SetActive deactivates (active false) or reactivates an account. Deactivation ends its
// sessions at once and its open links; an admin cannot deactivate themselves, nor the last
// active admin be deactivated.
func (s *Store) SetActive(ctx context.Context, v access.Viewer, id int64, active bool, version int) (Account, error) {
	if !v.IsAdmin() {
		return Account{}, edit.ErrNotFound
	}
	if !active && id == v.UserID {
		return Account{}, &RefusedError{"You cannot deactivate your own account. Ask another administrator."}
	}
	var out Account
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockAccounts(ctx, tx); err != nil {
			return err
		}
		before, err := loadAccount(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if before.Active == active {
			out = before
			return nil
		}
		if !active && before.Role == access.Admin {
			if err := keepAnAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE users SET active = $2,
				session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $3`, id, active, version)
		if err != nil {
			return fmt.Errorf("accounts: set active %d: %w", id, err)
		}
		if !active {
			if err := revokeLinks(ctx, tx, id); err != nil {
				return err
			}
		}
		if out, err = loadAccount(ctx, tx, id, false); err != nil {
			return err
		}
		action := "user.deactivate"
		if active {
			action = "user.activate"
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "user",
			EntityID: id, AgencyID: out.AgencyID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// IssueReset replaces the account's open links with a new one-time link that sets its
// password. For an account whose owner never set one, the link is a fresh invitation. The
// current password keeps working until the link is used. With mail on, the link is emailed
// to the account's owner instead (emailed is true and the Link empty).
func (s *Store) IssueReset(ctx context.Context, v access.Viewer, id int64) (a Account, l Link, emailed bool, err error) {
	if !v.IsAdmin() {
		return Account{}, Link{}, false, edit.ErrNotFound
	}
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if a, err = loadAccount(ctx, tx, id, true); err != nil {
			return err
		}
		if !a.Active {
			return &RefusedError{"This account is deactivated. Reactivate it first, then create a link."}
		}
		purpose := PurposeReset
		if !a.PasswordSet {
			purpose = PurposeInvite
		}
		if s.queue.On() {
			emailed = true
			return s.queue.Insert(ctx, tx, LinkEmailArgs{UserID: id, Purpose: purpose, ActorID: v.UserID}, nil)
		}
		l, err = issueLink(ctx, tx, v.UserID, id, a.AgencyID, purpose, LinkValidity)
		return err
	})
	return a, l, emailed, err
}

// usersLockKey serialises changes that could leave no active admin (two admins demoting each
// other at once). A revert of an account from the audit trail takes it too (AuditEntities).
const usersLockKey int64 = 0x64616469_75736572 // "dadi" "user"

func lockAccounts(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, usersLockKey); err != nil {
		return fmt.Errorf("accounts: lock: %w", err)
	}
	return nil
}

// keepAnAdmin refuses a change that would leave no active admin besides id. The caller holds
// lockAccounts.
func keepAnAdmin(ctx context.Context, tx pgx.Tx, id int64) error {
	var others bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active AND id <> $1)`, id).Scan(&others); err != nil {
		return fmt.Errorf("accounts: count admins: %w", err)
	}
	if !others {
		return &RefusedError{"This is the only active administrator. Make someone else an administrator first."}
	}
	return nil
}

func firstNonZero(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}
