package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/accounts"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// The page a one-time link opens: the person chooses a password, and is signed in. The token
// comes in the query string and goes back in the form body, never in a path (paths are
// logged), and it is never written to a log, the session or the audit trail.

func (s *Server) handleAccountSetupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	link, err := s.accounts.LookupLink(r.Context(), token)
	if err != nil {
		return s.linkNotWorking(w, r, err)
	}
	return s.render(w, r, http.StatusOK, templates.AccountSetup(s.base(r), templates.AccountSetupPage{Link: link, Token: token}))
}

func (s *Server) handleAccountSetup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	f := r.PostForm
	token := f.Get("token")
	u, err := s.accounts.CompletePassword(ctx, token, f.Get("password"), f.Get("confirm"))
	var invalid validate.Errors
	switch {
	case errors.As(err, &invalid):
		link, err := s.accounts.LookupLink(ctx, token)
		if err != nil {
			return s.linkNotWorking(w, r, err)
		}
		page := templates.AccountSetupPage{Link: link, Token: token, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AccountSetup(s.base(r), page))
	case err != nil:
		return s.linkNotWorking(w, r, err)
	}
	// Signed in as the account's owner, with a new token: whoever used this browser before
	// (even another signed-in user) is not carried over.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionEpoch, u.Epoch)
	s.log.InfoContext(ctx, "signed in", "id", RequestIDFrom(ctx), "user", u.ID, "role", string(u.Role), "via", "password link")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// linkNotWorking answers a link that does not work: 410 when it existed (used, expired,
// replaced), 404 when it never did. Both say to ask an admin for a new one.
func (s *Server) linkNotWorking(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, accounts.ErrLinkGone):
		return s.render(w, r, http.StatusGone, templates.AccountLinkGone(s.base(r), true))
	case errors.Is(err, accounts.ErrLinkUnknown):
		return s.render(w, r, http.StatusNotFound, templates.AccountLinkGone(s.base(r), false))
	}
	return err
}
