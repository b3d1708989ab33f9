package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/edit"
	"dadirectory/internal/phone"
	"dadirectory/internal/site"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins change the settings every page shows: names, the nation's helpline, where Exit this
// page goes and the emergency banner.

func (s *Server) handleAdminSettings(w http.ResponseWriter, r *http.Request) error {
	e, err := s.site.ForEdit(r.Context())
	if err != nil {
		return err
	}
	page := templates.AdminSettingsPage{Values: settingsFormValues(e.Input), Version: e.Version, Original: edit.Original(e.Input),
		Defaults: e.Defaults, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.AdminSettings(s.base(r), page))
}

func (s *Server) handleAdminSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := site.Input{
		SiteName: f.Get("site_name"), CouncilName: f.Get("council_name"), HelplineName: f.Get("helpline_name"),
		HelplineNumber: f.Get("helpline_number"), HelplineHours: f.Get("helpline_hours"),
		QuickExitURL: f.Get("quick_exit_url"), Banner: f.Get("banner"),
	}
	saved, err := s.site.Update(ctx, viewer(ctx).UserID, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[site.Edit]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/settings", savedMessage("The settings have been saved.", version, saved.Version))
	case errors.As(err, &invalid):
		page := templates.AdminSettingsPage{Values: in, Version: version, Original: f.Get("original"),
			Defaults: s.site.Defaults(), Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminSettings(s.base(r), page))
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := site.SettingsForm().Resolve(f.Get("original"), now.Input, in)
		page := templates.AdminSettingsPage{Values: merged, Version: now.Version, Original: edit.Original(now.Input),
			Defaults: now.Defaults, Conflict: c}
		return s.render(w, r, http.StatusConflict, templates.AdminSettings(s.base(r), page))
	default:
		return err
	}
}

// settingsFormValues is the saved settings as the form shows them: the number written the
// usual way.
func settingsFormValues(in site.Input) site.Input {
	if in.HelplineNumber != "" {
		in.HelplineNumber = phone.Display(in.HelplineNumber)
	}
	return in
}
