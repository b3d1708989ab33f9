package server

import (
	"fmt"
	"net/http"
	"strconv"

	"dadirectory/internal/uktime"
	"dadirectory/internal/wording"

	"dadirectory/templates"
)

// handleAccountSecurity lists where the person is signed in.
func (s *Server) handleAccountSecurity(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccountSecurity(w, r, s.popFlash(r))
}

// handleEndOtherSessionsForm asks before signing the person out everywhere but here, naming
// each device it will sign out.
func (s *Server) handleEndOtherSessionsForm(w http.ResponseWriter, r *http.Request) error {
	return s.askEndOtherSessions(w, r)
}

func (s *Server) askEndOtherSessions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := currentUser(ctx)
	list, err := s.accounts.Sessions(ctx, u.ID, s.sessions.GetString(ctx, sessionID), s.cfg.SessionIdle, s.cfg.SessionLifetime)
	if err != nil {
		return err
	}
	var facts []templates.Fact
	for _, x := range list {
		if !x.Current {
			facts = append(facts, templates.Fact{Label: x.Device, Value: "last used " + uktime.DateTime(x.LastSeen)})
		}
	}
	if len(facts) == 0 {
		return s.redirectWithFlash(w, r, "/account/security", "You are signed in on this device only: there was nothing to sign out.")
	}
	return s.confirmPage(w, r, http.StatusOK, templates.ConfirmPage{Title: "Sign out everywhere else?", Facts: facts,
		Lead: "You will be signed out on " + wording.Count(len(facts), "other device", "other devices") +
			" listed above, at their next click. You stay signed in here.",
		More:   []string{"This cannot be undone: to use one of them again, sign in on it again."},
		Action: "/account/security/sessions", Yes: "Yes, sign out everywhere else", NoURL: "/account/security", NoLabel: "No, go back"})
}

// handleEndOtherSessions signs the person out everywhere but here once confirmed (confirm=1)
// on the page that asks; a post without it shows that page.
func (s *Server) handleEndOtherSessions(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	if !confirmed(r) {
		return s.askEndOtherSessions(w, r)
	}
	u, _ := currentUser(r.Context())
	n, err := s.accounts.EndOtherSessions(r.Context(), u, s.sessions.GetString(r.Context(), sessionID))
	if err != nil {
		return err
	}
	flash := "You are now signed in on this device only."
	if n == 1 {
		flash = "One other session ended. " + flash
	} else if n > 1 {
		flash = fmt.Sprintf("%d other sessions ended. ", n) + flash
	}
	return s.redirectWithFlash(w, r, "/account/security", flash)
}

func (s *Server) renderAccountSecurity(w http.ResponseWriter, r *http.Request, flash string) error {
	return s.renderAccountSecurityStatus(w, r, http.StatusOK, flash, nil)
}

// renderAccountSecurityStatus shows the security page with status, a flash or a code's errors.
func (s *Server) renderAccountSecurityStatus(w http.ResponseWriter, r *http.Request, status int, flash string, errs []templates.FieldError) error {
	ctx := r.Context()
	u, _ := currentUser(ctx)
	list, err := s.accounts.Sessions(ctx, u.ID, s.sessions.GetString(ctx, sessionID), s.cfg.SessionIdle, s.cfg.SessionLifetime)
	if err != nil {
		return err
	}
	tf := templates.TwoFactorStatus{On: u.TwoFactor, Required: s.cfg.MFARequired(u.Role), Errors: errs,
		SSO: s.sessions.GetString(ctx, sessionVia) == viaSSO}
	if u.TwoFactor {
		if tf.CodesLeft, err = s.accounts.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return err
		}
	}
	return s.render(w, r, status, templates.AccountSecurity(s.base(r), templates.AccountSecurityPage{Sessions: list, Flash: flash, TwoFactor: tf}))
}

// handleAdminEndSessions asks, then (confirm=1) signs the person out everywhere.
func (s *Server) handleAdminEndSessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	if !confirmed(r) {
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.askFirst(w, r, templates.ConfirmPage{Admin: true, Title: "Sign " + a.Name + " out everywhere?",
			Facts: []templates.Fact{{Label: "Name", Value: a.Name}, {Label: "Email", Value: a.Email}, {Label: "Role", Value: a.Role.Label()}},
			Lead:  "Every session of " + a.Email + " ends, on every device, at their next click.",
			More:  []string{"Nothing else changes: they can sign in again straight away with their password. There is nothing to undo."},
			Yes:   "Yes, sign them out everywhere", NoURL: userPath(id), NoLabel: "No, go back"})
	}
	a, n, err := s.accounts.EndAllSessions(ctx, v, id)
	if err != nil {
		return err
	}
	s.logAccountChange(r, "end sessions", id)
	if id == v.UserID {
		// An admin signing themselves out everywhere: this session ends too.
		if err := s.sessions.Destroy(ctx); err != nil {
			return err
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	ended := "sessions"
	if n == 1 {
		ended = "session"
	}
	s.sessions.Put(ctx, sessionFlash, fmt.Sprintf("%s is signed out everywhere (%d %s ended).", a.Name, n, ended))
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
