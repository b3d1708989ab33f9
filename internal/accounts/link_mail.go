package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
)

// Password links by email. The job holds only whose link it is and why; the worker makes the
// token when it sends, so no working link is ever stored (the queue keeps finished jobs for a
// day) and a retry after a failed send makes a new link that replaces the one never received.

// LinkEmailArgs is the job that emails a password link.
type LinkEmailArgs struct {
	UserID  int64   `json:"user_id"`
	Purpose Purpose `json:"purpose"`
	ActorID int64   `json:"actor_id"` // the admin who asked; 0 for the person themselves
}

// Kind names the job in River's table.
func (LinkEmailArgs) Kind() string { return "account_link_email" }

// LinkEmailWorker makes the link and sends it.
type LinkEmailWorker struct {
	river.WorkerDefaults[LinkEmailArgs]
	Store  *Store
	Outbox *mail.Outbox
	Sender mail.Sender
}

// Work issues the link (replacing the account's open ones) and sends it. An account that is
// gone or deactivated gets nothing.
func (w *LinkEmailWorker) Work(ctx context.Context, job *river.Job[LinkEmailArgs]) error {
	a := job.Args
	validity := LinkValidity
	if a.Purpose == PurposeReset && a.ActorID == 0 {
		validity = ResetValidity
	}
	var email, name, actor string
	var link Link
	err := postgres.WithTx(ctx, w.Store.db, func(tx pgx.Tx) error {
		var agencyID *int64
		err := tx.QueryRow(ctx, `SELECT u.email, u.name, u.agency_id, coalesce((SELECT name FROM users WHERE id = $2), '')
			FROM users u WHERE u.id = $1 AND u.active FOR UPDATE`, a.UserID, a.ActorID).Scan(&email, &name, &agencyID, &actor)
		if err != nil {
			return err
		}
		link, err = issueLink(ctx, tx, a.ActorID, a.UserID, deref(agencyID), a.Purpose, validity)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("accounts: link email: %w", err)
	}
	site := w.Outbox.SiteName(ctx)
	return w.Sender.Send(ctx, w.Outbox.Compose(ctx, linkLetter(w.Outbox.URL(SetupPath, url.Values{"token": {link.Token}}), site, email, name, actor, a, link)))
}

// linkLetter is the email that carries a password link.
func linkLetter(link, site, email, name, actor string, a LinkEmailArgs, l Link) mail.Letter {
	until := l.ExpiresAt.In(uktime.London).Format("15:04 on 2 January 2006")
	letter := mail.Letter{To: email, Greeting: "Hello " + name + ","}
	switch {
	case a.Purpose == PurposeInvite:
		who := "An administrator"
		if actor != "" {
			who = actor
		}
		letter.Subject = "Your account on " + site
		letter.Lines = []string{
			who + " has made you an account on " + site + ", where housing staff, landlords and domestic abuse services find each other's contacts, services and training.",
			"Choose a password to finish setting it up. You will sign in with this email address.",
		}
		letter.Actions = []mail.Link{{Label: "Choose your password", URL: link}}
		letter.Footer = "The link works once, until " + until + " (UK time). If you were not expecting this email, you can ignore it."
	case a.ActorID == 0:
		letter.Subject = "Reset your password"
		letter.Lines = []string{"Someone, we hope you, asked to reset the password of your account on " + site + "."}
		letter.Actions = []mail.Link{{Label: "Choose a new password", URL: link}}
		letter.Footer = "The link works once, for one hour, until " + until + " (UK time). If you did not ask, ignore this email: your password has not changed."
	default:
		letter.Subject = "Choose a new password"
		letter.Lines = []string{"An administrator has sent you a link to choose a new password for your account on " + site + ". Your current password works until you use it."}
		letter.Actions = []mail.Link{{Label: "Choose a new password", URL: link}}
		letter.Footer = "The link works once, until " + until + " (UK time). If you were not expecting this email, tell your administrator."
	}
	return letter
}

// Resets a person may ask for: 3 emails an hour per address typed, 10 an hour per client.
const (
	resetsPerAccount = 3
	resetsPerClient  = 10
	resetWindow      = time.Hour
)

// RequestReset is "Forgot your password?": for an active account with email, it queues the
// reset link email, in one transaction with the count that limits how many are sent. Unknown
// and deactivated addresses, and requests over the limits, do nothing, and the caller gives
// everyone the same answer: whether an account exists is not told. With the queue off, it
// does nothing.
func (s *Store) RequestReset(ctx context.Context, email, clientAddr string) error {
	if !s.queue.On() {
		return nil
	}
	norm := cleanEmail(email)
	keys := []string{"reset:" + norm, "resetaddr:" + clientAddr}
	return postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('reset'), h)
			FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) k ORDER BY 1) x`, keys); err != nil {
			return fmt.Errorf("accounts: reset: %w", err)
		}
		var perAccount, perClient int
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE key = $1), count(*) FILTER (WHERE key = $2)
			FROM login_failures WHERE key IN ($1, $2) AND failed_at > now() - $3::interval`,
			keys[0], keys[1], resetWindow.String()).Scan(&perAccount, &perClient); err != nil {
			return fmt.Errorf("accounts: reset: %w", err)
		}
		if perAccount >= resetsPerAccount || perClient >= resetsPerClient {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key) SELECT unnest($1::text[])`, keys); err != nil {
			return fmt.Errorf("accounts: reset: %w", err)
		}
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = $1 AND active`, norm).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("accounts: reset: %w", err)
		}
		return s.queue.Insert(ctx, tx, LinkEmailArgs{UserID: id, Purpose: PurposeReset}, nil)
	})
}
