package reports

import (
	"strings"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// Input is the public form as typed. Its field names are the form's.
type Input struct {
	Kind       string
	Note       string
	ReplyEmail string
}

// clean checks the form and returns it as it is stored.
func (in Input) clean() (Input, validate.Errors) {
	var errs validate.Errors
	out := Input{Kind: strings.TrimSpace(in.Kind)}
	if !validKind(out.Kind) {
		errs.Add("kind", "Choose what is wrong")
	}
	out.Note = errs.PlainText("note", "Your note", in.Note, false, MaxNote)
	out.ReplyEmail = errs.Email("reply_email", "Your email address", in.ReplyEmail)
	return out, errs
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

// StatusInput is the admin's form of a report: where it is, and what was done.
type StatusInput struct {
	Status         string `json:"status"`
	ResolutionNote string `json:"resolution_note"`
}

// Input is the report's form as it starts.
func (r Report) Input() StatusInput {
	return StatusInput{Status: string(r.Status), ResolutionNote: r.ResolutionNote}
}

// clean checks the admin's form: a resolved report says what was done.
func (in StatusInput) clean() (StatusInput, validate.Errors) {
	var errs validate.Errors
	out := StatusInput{Status: strings.TrimSpace(in.Status)}
	if !Status(out.Status).Valid() {
		errs.Add("status", "Choose where this report is")
	}
	out.ResolutionNote = errs.PlainText("resolution_note", "What was done", in.ResolutionNote, false, MaxNote)
	if Status(out.Status) == StatusResolved && out.ResolutionNote == "" && !errs.Has("resolution_note") {
		errs.Add("resolution_note", "Enter what was done, to resolve the report")
	}
	return out, errs
}

// StatusForm is the admin's form for the editing kernel: after a conflict, what the other
// admin changed is shown field by field.
func StatusForm() edit.Form[StatusInput] {
	return edit.Form[StatusInput]{
		Fields: []edit.Field[StatusInput]{
			{
				Name: "status", Label: "Status",
				Key:  func(in StatusInput) string { return in.Status },
				Show: func(in StatusInput) string { return Status(in.Status).Label() },
				Take: func(dst *StatusInput, src StatusInput) { dst.Status = src.Status },
			},
			{
				Name: "resolution_note", Label: "What was done",
				Key:  func(in StatusInput) string { return in.ResolutionNote },
				Show: func(in StatusInput) string { return in.ResolutionNote },
				Take: func(dst *StatusInput, src StatusInput) { dst.ResolutionNote = src.ResolutionNote },
			},
		},
		Clean: func(in StatusInput) StatusInput {
			in.Status = strings.TrimSpace(in.Status)
			in.ResolutionNote = strings.TrimSpace(strings.ReplaceAll(in.ResolutionNote, "\r\n", "\n"))
			return in
		},
	}
}
