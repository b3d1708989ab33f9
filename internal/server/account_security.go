package server

import (
	"fmt"
	"net/http"
	"strconv"

	"dadirectory/templates"
)

// handleAccountSecurity lists where the person is signed in.
func (s *Server) handleAccountSecurity(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccountSecurity(w, r, s.popFlash(r))
}

// handleEndOtherSessions signs the person out everywhere but here.
func (s *Server) handleEndOtherSessions(w http.ResponseWriter, r *http.Request) error {
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
	return s.renderAccountSecurity(w, r, flash)
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
	if r.PostForm.Get("confirm") != "1" {
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, templates.AdminEndSessions(s.base(r), a))
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
