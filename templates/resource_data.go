package templates

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"dadirectory/internal/edit"
	"dadirectory/internal/library"
	"dadirectory/internal/uktime"
)

// ResourcesPage is the library's browse and search page.
type ResourcesPage struct {
	Results library.Results
	Facets  library.Facets
	Errors  []FieldError // problems with the query; the results are then empty
	// ManageURL is where this viewer adds and changes resources ("" when they may not).
	ManageURL string
}

// ResourcePage shows one resource.
type ResourcePage struct {
	Resource library.Resource
	EditURL  string // "" when the viewer may not change it
}

// ResourceForm is the add or change form as it stands: the values shown (saved, typed or
// merged after a conflict), the version it was opened on and Original, the saved values it
// started from (JSON), which a conflict compares with what is saved now.
type ResourceForm struct {
	Action   string // where the form posts
	Values   library.Input
	Version  int
	Original string
	Errors   []FieldError
	// FileSent is true when the refused post carried a file: the browser cannot be given it
	// back, so the page asks for it again.
	FileSent bool
}

// ResourceFormPage is the page around a ResourceForm.
type ResourceFormPage struct {
	Resource *library.Resource // nil when adding
	Form     ResourceForm
	Topics   []library.Topic
	Owners   []library.Owner // choices for an admin; nil for an RSL officer
	OwnOrg   string          // the RSL officer's organisation, which owns what they add
	BackURL  string          // the list of resources this person manages
	Conflict *edit.Conflict
}

// ResourceManagePage lists the resources a person keeps.
type ResourceManagePage struct {
	Resources []library.Resource
	BaseURL   string // /admin/resources or /my/resources
	Admin     bool
	OrgName   string // the RSL officer's organisation
	Flash     string
}

// ResourceArchivePage asks before archiving (or restoring) a resource.
type ResourceArchivePage struct {
	Resource library.Resource
	Action   string // where the answer posts
	Restore  bool
	BackURL  string
	Original string // the resource's values as JSON, so a conflict can say what changed
	Conflict *edit.Conflict
}

func (p ResourceArchivePage) heading() string {
	if p.Restore {
		return "Restore this resource?"
	}
	return "Archive this resource?"
}

// baseURL is the list this person manages resources from, whose paths the form's actions
// extend.
func (p ResourceFormPage) baseURL() string { return p.BackURL }

func (p ResourceFormPage) savedTopics() []library.Topic {
	if p.Resource == nil {
		return nil
	}
	return p.Resource.Topics
}

func (p ResourceFormPage) savedOwner() *library.Owner {
	if p.Resource == nil {
		return nil
	}
	return p.Resource.Owner
}

// ResourceTopicsPage is the admins' list of topics.
type ResourceTopicsPage struct {
	Topics []library.Topic
	// Values are names as typed into the forms that were refused, by topic slug ("" for the
	// form that adds one); Errors point at those fields.
	Values map[string]string
	Errors []FieldError
	Flash  string
}

func (p ResourceTopicsPage) value(slug, saved string) string {
	if v, ok := p.Values[slug]; ok {
		return v
	}
	return saved
}

// ResourceTopicFieldID is the id of the name field of the topic slug's form ("" for the new topic).
func ResourceTopicFieldID(slug string) string {
	if slug == "" {
		return "new-topic-name"
	}
	return "topic-" + slug + "-name"
}

func (p ResourcesPage) errorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (p ResourcesPage) filters() []filterGroup {
	q := p.Results.Query
	kinds := filterGroup{Name: "kind", Legend: "Type of resource"}
	for _, k := range library.Kinds {
		kinds.Options = append(kinds.Options, filterOption{string(k.Value), k.Plural, slices.Contains(q.Kinds, string(k.Value))})
	}
	topics := filterGroup{Name: "topic", Legend: "Topic"}
	for _, t := range p.Facets.Topics {
		topics.Options = append(topics.Options, filterOption{t.Slug, t.Name, slices.Contains(q.Topics, t.Slug)})
	}
	owners := filterGroup{Name: "owner", Legend: "Organisation"}
	for _, o := range p.Facets.Owners {
		owners.Options = append(owners.Options, filterOption{o.Slug, o.Name, slices.Contains(q.Owners, o.Slug)})
	}
	groups := []filterGroup{kinds, topics}
	if len(owners.Options) > 0 {
		groups = append(groups, owners)
	}
	return groups
}

func (p ResourcesPage) summary() string {
	r := p.Results
	switch {
	case r.Total == 1:
		return "1 resource found"
	case r.Pages > 1:
		return strconv.Itoa(r.Total) + " resources found, page " + strconv.Itoa(r.Query.Page) + " of " + strconv.Itoa(r.Pages)
	default:
		return strconv.Itoa(r.Total) + " resources found"
	}
}

func resourceURL(slug string) templ.SafeURL { return templ.SafeURL("/resources/" + slug) }

func resourceFileURL(slug string) templ.SafeURL { return templ.SafeURL("/resources/" + slug + "/file") }

func resTopicFilterURL(slug string) templ.SafeURL {
	return templ.SafeURL("/resources?" + url.Values{"topic": {slug}}.Encode())
}

// resFileSize reads like "240 KB" or "1.2 MB".
func resFileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1<<20:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
}

// resLinkHost is the site a link goes to, for "opens example.org".
func resLinkHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Hostname()
}

func resKindOptions(chosen string) []Option {
	out := make([]Option, len(library.Kinds))
	for i, k := range library.Kinds {
		out[i] = Option{Value: string(k.Value), Label: k.Label, Checked: string(k.Value) == chosen}
	}
	return out
}

// resTopicOptions offers the current topics; a chosen one no longer offered (retired) still
// shows, ticked, so saving never drops it unseen.
func resTopicOptions(topics []library.Topic, chosen []string, saved []library.Topic) []Option {
	out := make([]Option, 0, len(topics))
	listed := map[string]bool{}
	for _, t := range topics {
		out = append(out, Option{Value: t.Slug, Label: t.Name, Checked: slices.Contains(chosen, t.Slug)})
		listed[t.Slug] = true
	}
	for _, s := range chosen {
		if listed[s] {
			continue
		}
		label := s
		for _, t := range saved {
			if t.Slug == s {
				label = t.Name + " (retired)"
			}
		}
		out = append(out, Option{Value: s, Label: label, Checked: true})
		listed[s] = true
	}
	return out
}

// resOwnerOptions offers every organisation, and none; the current owner stays on offer even
// when its agency has been archived since.
func resOwnerOptions(owners []library.Owner, chosen string, current *library.Owner) []Option {
	out := []Option{{Value: "", Label: "None: kept by the site's administrators", Checked: chosen == ""}}
	listed := false
	for _, o := range owners {
		out = append(out, Option{Value: o.Slug, Label: o.Name, Checked: o.Slug == chosen})
		listed = listed || o.Slug == chosen
	}
	if !listed && chosen != "" {
		label := chosen
		if current != nil && current.Slug == chosen {
			label = current.Name
		}
		out = append(out, Option{Value: chosen, Label: label, Checked: true})
	}
	return out
}

func resVisibilityOptions(chosen string) []Option {
	return []Option{
		{Value: library.Public, Label: "Everyone, including the public", Checked: chosen == library.Public},
		{Value: library.Staff, Label: "Signed-in staff only", Checked: chosen == library.Staff},
	}
}

func resourceEditURL(base, slug string) templ.SafeURL {
	return templ.SafeURL(base + "/" + slug + "/edit")
}

func resourceArchiveURL(base, slug string) templ.SafeURL {
	return templ.SafeURL(base + "/" + slug + "/archive")
}

func resourceRestoreURL(slug string) templ.SafeURL {
	return templ.SafeURL("/admin/resources/" + slug + "/restore")
}

func resTopicURL(slug string) templ.SafeURL { return templ.SafeURL("/admin/resource-topics/" + slug) }

func resTopicNames(topics []library.Topic) string {
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// resDate shows a timestamp as a date in Europe/London.
func resDate(t time.Time) string { return uktime.Date(t) }

// resDay shows a PostgreSQL date (midnight UTC) as it is.
func resDay(t time.Time) string { return uktime.Date(t) }

// topicError is the message for the name field of the topic slug's form.
func (p ResourceTopicsPage) topicError(slug string) string {
	for _, e := range p.Errors {
		if e.Target == ResourceTopicFieldID(slug) {
			return e.Message
		}
	}
	return ""
}
