package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins manage accounts: list, invite, change role or organisation, deactivate and
// reactivate, and issue password links. A link is shown once, on the page answering the post
// that made it, and never logged, stored or put in a session.

func (s *Server) handleAdminUsers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	page := templates.AdminUsersPage{Role: q.Get("role"), Active: q.Get("active")}
	f, errs := accounts.ParseFilter(q)
	if len(errs) > 0 {
		page.Errors = templates.FieldErrors(errs)
		return s.render(w, r, http.StatusBadRequest, templates.AdminUsers(s.base(r), page))
	}
	users, err := s.accounts.List(ctx, viewer(ctx), f)
	if err != nil {
		return err
	}
	page.Users = users
	page.Flash = s.popFlash(r)
	return s.render(w, r, http.StatusOK, templates.AdminUsers(s.base(r), page))
}

func (s *Server) handleAdminUserNew(w http.ResponseWriter, r *http.Request) error {
	choices, err := s.accounts.FormChoices(r.Context(), viewer(r.Context()), 0, 0)
	if err != nil {
		return err
	}
	page := templates.AdminUserInvitePage{Choices: choices}
	return s.render(w, r, http.StatusOK, templates.AdminUserInvite(s.base(r), page))
}

func (s *Server) handleAdminUserInvite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	form := readUserForm(r.PostForm, true)
	inv, err := s.accounts.Invite(ctx, v, form.Input)
	var invalid validate.Errors
	switch {
	case errors.As(err, &invalid):
		choices, err := s.accounts.FormChoices(ctx, v, 0, 0)
		if err != nil {
			return err
		}
		form.Errors = templates.FieldErrors(invalid)
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminUserInvite(s.base(r),
			templates.AdminUserInvitePage{Form: form, Choices: choices}))
	case err != nil:
		return err
	}
	s.logAccountChange(r, "invite", inv.Account.ID)
	return s.render(w, r, http.StatusOK, templates.AdminUserLink(s.base(r), templates.AdminUserLinkPage{
		Account: inv.Account, Link: inv.Link, URL: s.setupURL(inv.Link.Token), Created: true, Emailed: inv.Emailed}))
}

func (s *Server) handleAdminUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.accounts.Get(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	return s.renderAdminUser(w, r, http.StatusOK, a, accountForm(a), a.Version, "", nil, "")
}

func (s *Server) handleAdminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	form := readUserForm(r.PostForm, false)
	saved, err := s.accounts.Update(ctx, v, id, form.Input, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[accounts.Account]
	var refused *accounts.RefusedError
	switch {
	case err == nil:
		if saved.Version == version {
			return s.redirectWithFlash(w, r, userPath(id), nothingSaved)
		}
		s.logAccountChange(r, "update", id)
		if id == v.UserID {
			return s.afterOwnAccountChange(w, r, saved)
		}
		return s.redirectWithFlash(w, r, userPath(id), "Changes saved. "+saved.Name+" has been signed out and signs in again with the new access.")
	case errors.As(err, &invalid):
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		form.Errors = templates.FieldErrors(invalid)
		return s.renderAdminUser(w, r, http.StatusUnprocessableEntity, a, form, version, r.PostForm.Get("original"), nil, "")
	case errors.As(err, &conflict):
		now := conflict.Current
		choices, err := s.accounts.FormChoices(ctx, v, now.AgencyID, now.ContactID)
		if err != nil {
			return err
		}
		yours := form.Input
		yours.Active = now.Active // the form does not send the status: it shows as it is now
		merged, c := accounts.AccountForm(choices).Resolve(r.PostForm.Get("original"), now.Input(), yours)
		return s.renderAdminUser(w, r, http.StatusConflict, now, templates.UserForm{Input: merged}, now.Version, "", c, "")
	case errors.As(err, &refused):
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.renderAdminUser(w, r, http.StatusConflict, a, form, version, r.PostForm.Get("original"), nil, refused.Message)
	default:
		return err
	}
}

func (s *Server) handleAdminUserDeactivate(w http.ResponseWriter, r *http.Request) error {
	return s.setActive(w, r, false)
}

func (s *Server) handleAdminUserReactivate(w http.ResponseWriter, r *http.Request) error {
	return s.setActive(w, r, true)
}

func (s *Server) setActive(w http.ResponseWriter, r *http.Request, active bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	if !active && !confirmed(r) {
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.askFirst(w, r, templates.ConfirmPage{Admin: true, Title: "Deactivate " + a.Name + "?",
			Facts: []templates.Fact{{Label: "Name", Value: a.Name}, {Label: "Email address", Value: a.Email}},
			Lead:  a.Name + " will be signed out everywhere at once and will not be able to sign in. Their unused invitation or reset links stop working.",
			More:  []string{"You can reactivate the account later from its page; they then sign in with their password."},
			Yes:   "Yes, deactivate " + a.Name, NoURL: userPath(id), NoLabel: "No, keep the account active"})
	}
	saved, err := s.accounts.SetActive(ctx, v, id, active, version)
	var conflict *edit.ConflictError[accounts.Account]
	var refused *accounts.RefusedError
	switch {
	case err == nil:
		msg := saved.Name + " is deactivated and has been signed out. To undo this, reactivate the account below."
		if active {
			msg = saved.Name + " is active again and can sign in."
		}
		if saved.Version != version {
			s.logAccountChange(r, map[bool]string{true: "reactivate", false: "deactivate"}[active], id)
		}
		return s.redirectWithFlash(w, r, userPath(id), savedMessage(msg, version, saved.Version))
	case errors.As(err, &conflict):
		now := conflict.Current
		choices, err := s.accounts.FormChoices(ctx, v, now.AgencyID, now.ContactID)
		if err != nil {
			return err
		}
		return s.renderAdminUser(w, r, http.StatusConflict, now, accountForm(now), now.Version, "",
			accounts.AccountForm(choices).Recheck(r.PostForm.Get("original"), now.Input()), "")
	case errors.As(err, &refused):
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.renderAdminUser(w, r, http.StatusConflict, a, accountForm(a), a.Version, "", nil, refused.Message)
	default:
		return err
	}
}

// handleAdminUserReset makes a new one-time password link and shows it, once.
func (s *Server) handleAdminUserReset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	a, link, emailed, err := s.accounts.IssueReset(ctx, v, id)
	var refused *accounts.RefusedError
	switch {
	case errors.As(err, &refused):
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		return s.renderAdminUser(w, r, http.StatusConflict, a, accountForm(a), a.Version, "", nil, refused.Message)
	case err != nil:
		return err
	}
	s.logAccountChange(r, "password link", id)
	return s.render(w, r, http.StatusOK, templates.AdminUserLink(s.base(r), templates.AdminUserLinkPage{
		Account: a, Link: link, URL: s.setupURL(link.Token), Emailed: emailed}))
}

// afterOwnAccountChange keeps the admin who changed their own role or organisation signed in:
// their sessions elsewhere end with the new epoch, this one gets a new token and the epoch.
func (s *Server) afterOwnAccountChange(w http.ResponseWriter, r *http.Request, saved accounts.Account) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionEpoch, saved.Epoch)
	if saved.Role != access.Admin {
		// The admin pages are closed to them now; their home page shows the new role.
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.redirectWithFlash(w, r, userPath(saved.ID), "Changes to your own account saved.")
}

func (s *Server) renderAdminUser(w http.ResponseWriter, r *http.Request, status int, a accounts.Account, form templates.UserForm,
	version int, original string, conflict *edit.Conflict, refused string) error {
	ctx := r.Context()
	v := viewer(ctx)
	choices, err := s.accounts.FormChoices(ctx, v, a.AgencyID, a.ContactID)
	if err != nil {
		return err
	}
	if original == "" {
		original = edit.Original(a.Input())
	}
	page := templates.AdminUserPage{Account: a, Form: form, Version: version, Original: original, Choices: choices,
		Conflict: conflict, Refused: refused, Self: a.ID == v.UserID}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.AdminUser(s.base(r), page))
}

// setupURL is the whole link for a token, on the site's public address (BASE_URL).
func (s *Server) setupURL(token string) string {
	u := *s.cfg.BaseURL
	u.Path = strings.TrimRight(u.Path, "/") + accounts.SetupPath
	u.RawPath, u.Fragment = "", ""
	u.RawQuery = url.Values{"token": {token}}.Encode()
	return u.String()
}

// logAccountChange notes who changed which account: ids only, never a link or an address.
func (s *Server) logAccountChange(r *http.Request, what string, id int64) {
	s.log.InfoContext(r.Context(), "account changed", "id", RequestIDFrom(r.Context()), "actor", viewer(r.Context()).UserID,
		"user", id, "change", what)
}

func userPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

func readUserForm(f url.Values, invite bool) templates.UserForm {
	in := accounts.Input{Role: f.Get("role"), Org: f.Get("organisation"), Champion: f.Get("champion_entry")}
	if invite {
		in.Email, in.Name = f.Get("email"), f.Get("name")
	}
	return templates.UserForm{Input: in}
}

func accountForm(a accounts.Account) templates.UserForm { return templates.UserForm{Input: a.Input()} }
