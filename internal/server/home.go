package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/templates"
)

// The signed-in home pages: each role gets the page for its work. handleHome (pages.go)
// chooses; these gather what the page shows, every query taking the viewer.

const (
	recentContactsShown = 10
	overdueShown        = 50
	upcomingTraining    = 5
	evaluationPrompts   = 10
)

func (s *Server) homeHousingStaff(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	ctx := r.Context()
	var p templates.HomeStaffPage
	var err error
	if p.Champions, err = s.directory.ChampionsByArea(ctx, v, 0); err != nil {
		return err
	}
	if p.Recent, err = s.directory.RecentlyUpdatedContacts(ctx, v, recentContactsShown); err != nil {
		return err
	}
	if p.Training, err = s.training.Upcoming(ctx, v, upcomingTraining); err != nil {
		return err
	}
	if p.Evaluate, err = s.training.Prompts(ctx, v, evaluationPrompts); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.HomeHousingStaff(s.base(r), p))
}

func (s *Server) homeChampion(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	ctx := r.Context()
	var p templates.HomeChampionPage
	entry, err := s.directory.OwnChampionEntry(ctx, v)
	switch {
	case errors.Is(err, directory.ErrNoChampionEntry):
		// Not linked yet: the page says to ask an admin.
	case err != nil:
		return err
	default:
		p.Linked, p.Entry = true, entry
		if p.RSLs, err = s.directory.RSLsInMyAreas(ctx, v); err != nil {
			return err
		}
	}
	if p.Evaluate, err = s.training.Prompts(ctx, v, evaluationPrompts); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.HomeChampion(s.base(r), p))
}

func (s *Server) homeRSLOfficer(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	ctx := r.Context()
	var p templates.HomeRSLPage
	org, err := s.directory.OwnOrganisation(ctx, v)
	switch {
	case errors.Is(err, edit.ErrNotFound):
		// Their organisation was archived: the page says so rather than failing.
	case err != nil:
		return err
	default:
		p.Org = &org
		if p.Champions, err = s.directory.ChampionsByArea(ctx, v, org.ID); err != nil {
			return err
		}
	}
	if p.Training, err = s.training.Upcoming(ctx, v, upcomingTraining); err != nil {
		return err
	}
	if p.Evaluate, err = s.training.Prompts(ctx, v, evaluationPrompts); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.HomeRSLOfficer(s.base(r), p))
}

// homeAdmin is the admin dashboard: an admin's home and /admin are one page, so what needs
// attention is in one place.
func (s *Server) homeAdmin(w http.ResponseWriter, r *http.Request, _ access.Viewer) error {
	return s.handleAdminDashboard(w, r)
}
