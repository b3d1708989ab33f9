package seed

// Synthetic data for scale tests and benchmarks: N made-up agencies with varied, realistic
// text, loaded with COPY. Every row is demo data (agencies.demo) and every slug starts with
// "synthetic-", so it can never be mistaken for a real entry and can be removed in one go.

import (
	"context"
	"dadirectory/internal/edit"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SyntheticPrefix starts the slug of every synthetic agency.
const SyntheticPrefix = "synthetic-"

// MaxSynthetic bounds N: a million agencies is ten times the scale target.
const MaxSynthetic = 1_000_000

// SyntheticOptions tunes Synthetic.
type SyntheticOptions struct {
	// Replace deletes the synthetic agencies already present first; without it Synthetic refuses
	// to run when there are any.
	Replace bool
	// Seed makes the data reproducible: the same seed and N give the same rows (0 is a seed
	// like any other).
	Seed uint64
}

// SyntheticCounts says what Synthetic loaded.
type SyntheticCounts struct {
	Agencies int
	Contacts int
	Replaced int // synthetic agencies deleted first (Replace)
	Took     time.Duration
}

// ErrSyntheticExists is returned when synthetic agencies are already present and Replace is
// not set.
var ErrSyntheticExists = errors.New("synthetic agencies already exist; use --replace to load them again")

// Synthetic loads n synthetic agencies (about 3 contacts each) using the taxonomy in the
// database, loading the demo data first when the taxonomy is empty. It runs in one transaction
// under the seed lock, then analyses the tables so the planner knows their new size.
func Synthetic(ctx context.Context, db *pgxpool.Pool, n int, opts SyntheticOptions) (SyntheticCounts, error) {
	start := time.Now()
	if n < 1 || n > MaxSynthetic {
		return SyntheticCounts{}, fmt.Errorf("seed: synthetic: N must be between 1 and %d, not %d", MaxSynthetic, n)
	}
	var areas int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM areas WHERE retired_at IS NULL`).Scan(&areas); err != nil {
		return SyntheticCounts{}, fmt.Errorf("seed: synthetic: %w", err)
	}
	if areas == 0 {
		if _, err := Demo(ctx, db); err != nil {
			return SyntheticCounts{}, err
		}
	}
	var c SyntheticCounts
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		c = SyntheticCounts{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, seedLockKey); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var existing int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE demo AND starts_with(slug, $1)`,
			SyntheticPrefix).Scan(&existing); err != nil {
			return err
		}
		if existing > 0 {
			if !opts.Replace {
				return fmt.Errorf("%d %w", existing, ErrSyntheticExists)
			}
			if err := deleteSynthetic(ctx, tx); err != nil {
				return err
			}
			c.Replaced = existing
		}
		tax, err := loadTaxonomy(ctx, tx)
		if err != nil {
			return err
		}
		g := newSynthGen(tax, opts.Seed)
		agencies := make([]synthAgency, n)
		for i := range agencies {
			agencies[i] = g.agency(i + 1)
		}
		if err := copyAgencies(ctx, tx, agencies); err != nil {
			return err
		}
		c.Agencies = n
		c.Contacts, err = copyRest(ctx, tx, agencies)
		return err
	})
	if err != nil {
		return SyntheticCounts{}, fmt.Errorf("seed: synthetic: %w", err)
	}
	// Outside the transaction: VACUUM also folds the GIN index's pending list in.
	if _, err := db.Exec(ctx, `VACUUM (ANALYZE) agencies, agency_areas, agency_categories, agency_audiences, contacts, contact_areas`); err != nil {
		return SyntheticCounts{}, fmt.Errorf("seed: synthetic: vacuum: %w", err)
	}
	c.Took = time.Since(start)
	return c, nil
}

// deleteSynthetic removes the synthetic agencies, their contacts and join rows. Rows elsewhere
// that point at them (an account, an audit event of someone's edit) stop it with a clear error
// rather than being changed.
func deleteSynthetic(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `DELETE FROM contacts c USING agencies a
		WHERE c.agency_id = a.id AND a.demo AND starts_with(a.slug, $1)`, SyntheticPrefix)
	if err == nil {
		_, err = tx.Exec(ctx, `DELETE FROM agencies WHERE demo AND starts_with(slug, $1)`, SyntheticPrefix)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
		return fmt.Errorf("cannot replace the synthetic agencies: %s still refers to them (%s); remove those rows first",
			pgErr.TableName, pgErr.Detail)
	}
	if err != nil {
		return fmt.Errorf("delete synthetic agencies: %w", err)
	}
	return nil
}

type synthTerm struct {
	id   int64
	name string
}

type synthTaxonomy struct {
	areas, categories, audiences []synthTerm
}

func loadTaxonomy(ctx context.Context, tx pgx.Tx) (synthTaxonomy, error) {
	var t synthTaxonomy
	for _, x := range []struct {
		table string
		dst   *[]synthTerm
	}{{"areas", &t.areas}, {"categories", &t.categories}, {"audiences", &t.audiences}} {
		rows, err := tx.Query(ctx, `SELECT id, name FROM `+pgx.Identifier{x.table}.Sanitize()+
			` WHERE retired_at IS NULL ORDER BY sort_order, id`)
		if err != nil {
			return t, fmt.Errorf("%s: %w", x.table, err)
		}
		terms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (synthTerm, error) {
			var s synthTerm
			return s, r.Scan(&s.id, &s.name)
		})
		if err != nil {
			return t, fmt.Errorf("%s: %w", x.table, err)
		}
		if len(terms) == 0 {
			return t, fmt.Errorf("no %s in the taxonomy", x.table)
		}
		*x.dst = terms
	}
	return t, nil
}

type synthContact struct {
	main                                                         bool // holds the agency's main number
	roleTitle, personName, email, hours, notes, kind, visibility string
	phones                                                       []byte // jsonb
	areas                                                        []int64
	reviewedAt                                                   time.Time
}

type synthAgency struct {
	slug, name, kind, summary, description, website, email, phone string
	referralRoute, eligibility, openingHours, keywords, tags      string
	visibility                                                    string
	open24h                                                       bool
	languages                                                     []string
	reviewedAt                                                    time.Time
	areas, categories, audiences                                  []int64
	contacts                                                      []synthContact
}

func copyAgencies(ctx context.Context, tx pgx.Tx, as []synthAgency) error {
	cols := []string{"slug", "name", "kind", "summary", "description", "website", "email",
		"referral_route", "eligibility", "opening_hours", "open_24h", "languages", "keywords", "tags",
		"visibility", "demo", "reviewed_at", "review_due"}
	i := 0
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"agencies"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(as) {
			return nil, nil
		}
		a := &as[i]
		i++
		return []any{a.slug, a.name, a.kind, a.summary, a.description, a.website, a.email,
			a.referralRoute, a.eligibility, a.openingHours, a.open24h, a.languages, a.keywords, a.tags,
			a.visibility, true, a.reviewedAt, dueAfter(a.reviewedAt)}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy agencies: %w", err)
	}
	return nil
}

// copyRest copies the join rows and contacts of agencies already copied, looking their ids up
// by slug (identity columns cannot be given in a COPY).
func copyRest(ctx context.Context, tx pgx.Tx, as []synthAgency) (int, error) {
	rows, err := tx.Query(ctx, `SELECT slug, id FROM agencies WHERE demo AND starts_with(slug, $1)`, SyntheticPrefix)
	if err != nil {
		return 0, err
	}
	ids := make(map[string]int64, len(as))
	var slug string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&slug, &id}, func() error { ids[slug] = id; return nil })
	if err != nil {
		return 0, fmt.Errorf("agency ids: %w", err)
	}
	agencyIDs := make([]int64, len(as))
	for i := range as {
		var ok bool
		if agencyIDs[i], ok = ids[as[i].slug]; !ok {
			return 0, fmt.Errorf("agency %s missing after copy", as[i].slug)
		}
	}
	for _, j := range []struct {
		table, col string
		terms      func(*synthAgency) []int64
	}{
		{"agency_areas", "area_id", func(a *synthAgency) []int64 { return a.areas }},
		{"agency_categories", "category_id", func(a *synthAgency) []int64 { return a.categories }},
		{"agency_audiences", "audience_id", func(a *synthAgency) []int64 { return a.audiences }},
	} {
		var pairs [][]any
		for i := range as {
			for _, t := range j.terms(&as[i]) {
				pairs = append(pairs, []any{agencyIDs[i], t})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{j.table}, []string{"agency_id", j.col}, pgx.CopyFromRows(pairs)); err != nil {
			return 0, fmt.Errorf("copy %s: %w", j.table, err)
		}
	}

	ai, ci, count := 0, 0, 0
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"contacts"},
		[]string{"agency_id", "role_title", "person_name", "phones", "email", "hours", "notes", "kind", "visibility",
			"main", "reviewed_at", "review_due"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for ai < len(as) && ci == len(as[ai].contacts) {
				ai, ci = ai+1, 0
			}
			if ai == len(as) {
				return nil, nil
			}
			c := &as[ai].contacts[ci]
			ci++
			count++
			return []any{agencyIDs[ai], c.roleTitle, c.personName, c.phones, c.email, c.hours, c.notes, c.kind,
				c.visibility, c.main, c.reviewedAt, dueAfter(c.reviewedAt)}, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("copy contacts: %w", err)
	}

	// Contacts that cover areas (champions): their ids by (agency, role title), unique per agency.
	rows, err = tx.Query(ctx, `SELECT c.agency_id, c.role_title, c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.demo AND starts_with(a.slug, $1) AND c.kind = 'champion'`, SyntheticPrefix)
	if err != nil {
		return 0, err
	}
	type key struct {
		agency int64
		title  string
	}
	contactIDs := map[key]int64{}
	var agencyID, contactID int64
	var title string
	_, err = pgx.ForEachRow(rows, []any{&agencyID, &title, &contactID}, func() error {
		contactIDs[key{agencyID, title}] = contactID
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("contact ids: %w", err)
	}
	var pairs [][]any
	for i := range as {
		for _, c := range as[i].contacts {
			for _, area := range c.areas {
				cid, ok := contactIDs[key{agencyIDs[i], c.roleTitle}]
				if !ok {
					return 0, fmt.Errorf("contact %q of %s missing after copy", c.roleTitle, as[i].slug)
				}
				pairs = append(pairs, []any{cid, area})
			}
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"contact_areas"}, []string{"contact_id", "area_id"}, pgx.CopyFromRows(pairs)); err != nil {
		return 0, fmt.Errorf("copy contact_areas: %w", err)
	}
	return count, nil
}

// dueAfter is the review date 12 months after a review, as a date.
func dueAfter(t time.Time) time.Time {
	d := t.AddDate(1, 0, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// synthGen makes agencies from word and phrase lists with a seeded generator.
type synthGen struct {
	r      *rand.Rand
	tax    synthTaxonomy
	places []string
	now    time.Time
}

func newSynthGen(tax synthTaxonomy, seed uint64) *synthGen {
	g := &synthGen{r: rand.New(rand.NewPCG(seed, 0x64616469)), tax: tax,
		now: time.Now().UTC().Truncate(time.Second)}
	for _, a := range tax.areas {
		name := a.name
		if i := strings.IndexByte(name, '('); i > 0 { // "Northern Corridor (Moodiesburn, ...)"
			name = strings.TrimSpace(name[:i])
		}
		g.places = append(g.places, name)
	}
	g.places = append(g.places, localities...)
	return g
}

func (g *synthGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *synthGen) chance(p float64) bool { return g.r.Float64() < p }

// some returns between lo and hi distinct terms' ids, and their names.
func (g *synthGen) some(terms []synthTerm, lo, hi int) ([]int64, []string) {
	k := min(lo+g.r.IntN(hi-lo+1), len(terms))
	idx := g.r.Perm(len(terms))[:k]
	ids, names := make([]int64, k), make([]string, k)
	for i, j := range idx {
		ids[i], names[i] = terms[j].id, terms[j].name
	}
	return ids, names
}

// dramaPhone is a number from Ofcom's ranges for drama, stored as digits.
func (g *synthGen) dramaPhone() string {
	prefixes := []string{"01632960", "01414960", "01314960", "07700900"}
	return fmt.Sprintf("%s%03d", g.pick(prefixes), g.r.IntN(1000))
}

func (g *synthGen) reviewed() time.Time {
	// Reviewed within the last 15 months: about a fifth are overdue, as in a real directory.
	return g.now.Add(-time.Duration(g.r.Int64N(int64(15 * 30 * 24 * time.Hour))))
}

type kindWords struct {
	kind     string
	weight   int
	services []string // "{place} {service}"
	roles    []string
}

var synthKinds = []kindWords{
	{KindDAAgency, 30, []string{"Women's Aid", "Domestic Abuse Service", "Support Service", "Outreach Project",
		"Women's Support Project", "Refuge Project", "Family Safety Service", "Independent Advocacy Service"},
		[]string{"Support line", "Refuge enquiries", "Outreach team", "Children and young people's worker", "Professional referrals", "Court advocacy"}},
	{KindRSL, 20, []string{"Housing Association", "Homes", "Housing Co-operative", "Housing Trust", "Community Housing"},
		[]string{"Housing Domestic Abuse Champion", "Housing officer", "Tenancy sustainment", "Repairs line", "Allocations team", "Anti-social behaviour team"}},
	{KindOther, 15, []string{"Advice Centre", "Citizens Advice Bureau", "Family Centre", "Youth Project", "Community Support Service", "Foodbank", "Wellbeing Hub"},
		[]string{"Drop-in advice", "Money advice", "Family support worker", "Youth worker", "General enquiries", "Volunteer coordinator"}},
	{KindCouncil, 10, []string{"Housing Office", "Social Work Team", "Homelessness Service", "Financial Inclusion Team", "Community Learning Team"},
		[]string{"Homelessness duty line", "Duty social worker", "Housing Domestic Abuse Champion", "MARAC coordinator", "Welfare rights officer"}},
	{KindHealth, 8, []string{"Health Centre", "Community Mental Health Team", "Sexual Health Service", "Health Visiting Team", "Recovery Service"},
		[]string{"Reception", "Duty nurse", "Routine enquiry lead", "Crisis team", "Referrals"}},
	{KindLegal, 7, []string{"Law Centre", "Legal Advice Clinic", "Family Law Practice", "Solicitors"},
		[]string{"Legal aid enquiries", "Family law appointments", "Injunctions and protective orders", "Reception"}},
	{KindHelpline, 5, []string{"Helpline", "Support Line", "Listening Service", "Advice Line"},
		[]string{"Helpline", "Text and webchat", "Professional advice line", "Interpreter line"}},
	{KindPolice, 5, []string{"Community Policing Team", "Domestic Abuse Liaison Team", "Safer Communities Team"},
		[]string{"Non-emergency line", "Domestic abuse liaison officer", "MARAC coordinator", "Community officer"}},
}

var synthKindTotal = func() int {
	t := 0
	for _, k := range synthKinds {
		t += k.weight
	}
	return t
}()

var (
	// localities are towns and villages of North Lanarkshire beside the taxonomy's areas.
	localities = []string{"Chapelhall", "Newarthill", "Harthill", "Moodiesburn", "Chryston", "Stepps", "Viewpark",
		"Holytown", "Cleland", "Newmains", "Caldercruix", "Plains", "Glenboig", "Condorrat", "Croy", "Carfin",
		"Craigneuk", "Gartcosh", "Muirhead", "Salsburgh", "Allanton", "Calderbank", "Greengairs", "Uddingston",
		"Ravenscraig", "Forgewood", "Abronhill", "Westfield", "Banton", "Queenzieburn"}
	// namePrefixes make names distinct, as real charities' names are.
	namePrefixes = []string{"Rowan", "Thistle", "Heather", "Clyde", "Calder", "Bothwell", "Avon", "Kelvin",
		"Beacon", "Harbour", "Lighthouse", "Bridges", "Pathways", "New Horizons", "Safe Haven", "Hope",
		"Willow", "Birch", "Oak Tree", "Cedar", "St Andrew's", "St Margaret's", "Riverside", "Hillview",
		"Parkside", "Greenhill", "Brighter Futures", "Fresh Start", "Open Door", "Stepping Stones",
		"Circle", "Anchor", "Compass", "Northstar", "Lanark", "Monkland", "Shieldmuir", "Dalziel",
		"Strathclyde", "Glenmavis", "Ashgrove", "Larkfield", "Meadowside", "Kirkwood", "Blairhill"}
	summaryOpeners = []string{"Confidential support for", "Practical help and advice for", "Safe, free support for",
		"Advice, advocacy and support for", "Specialist support for", "Information and emotional support for",
		"Housing and tenancy help for", "Early help for"}
	summaryWho = []string{"women and children affected by domestic abuse", "anyone experiencing domestic abuse",
		"tenants affected by domestic abuse", "men experiencing abuse from a partner or ex-partner",
		"young people affected by abuse at home", "older people experiencing harm from someone close to them",
		"survivors of sexual violence", "people worried about stalking or harassment",
		"families under strain", "LGBT+ people experiencing abuse"}
	summaryWhere = []string{"across North Lanarkshire", "in %s and nearby", "in %s", "living in or moving to %s",
		"in %s and the surrounding villages"}
	descSentences = []string{
		"If someone you live with, or have been in a relationship with, is hurting, frightening or controlling you, you can talk to us.",
		"We listen, help you think through your options and support you to make your own choices.",
		"We can help with safety planning, housing, money worries and contact with other services.",
		"You do not need to leave your home or report to the police to get support.",
		"Our workers can meet you somewhere safe, at a time that suits you.",
		"We work closely with the council's housing service and local housing associations.",
		"Children and young people can get one-to-one and group support.",
		"We can support you through court, including help with protective orders and bail conditions.",
		"Interpreters are available, and we can arrange British Sign Language on request.",
		"We offer refuge accommodation and support to settle into a new home.",
		"Our advice is free, confidential and independent.",
		"We can help you keep your tenancy, change your locks and make your home safer.",
		"We take referrals from professionals with the person's consent, and people can contact us directly.",
		"We run weekly drop-in sessions and a peer support group.",
		"We help people claim the benefits they are entitled to and deal with debt.",
		"Staff are trained in the Safe & Together model and trauma-informed practice.",
		"If you are in danger now, call 999. If you cannot speak, press 55 when asked.",
		"We can help you understand the MARAC process and what it means for you.",
		"Appointments are available in person, by phone or by video call.",
		"We support people whatever their age, gender, sexuality, faith or background.",
	}
	eligibilityPhrases = []string{"Anyone aged 16 or over affected by domestic abuse.", "Women aged 16 and over, and their children.",
		"Tenants and housing applicants of the association.", "Residents of North Lanarkshire.",
		"Children and young people aged 5 to 18, with a parent or carer's agreement.", "Men aged 18 and over.",
		"People referred by a professional, or who contact us directly.", "No eligibility criteria: anyone can call."}
	hoursPhrases = []string{"Monday to Friday, 9am to 5pm", "Monday to Thursday, 9am to 5pm; Friday, 9am to 4pm",
		"Monday to Friday, 10am to 4pm", "Weekdays 9am to 8pm; Saturday 10am to 2pm",
		"Tuesday and Thursday, 1pm to 4pm (drop-in)", "Monday to Friday, 8.45am to 4.45pm"}
	keywordPhrases = []string{"refuge safe house", "injunction interdict protective order", "DASH risk assessment",
		"MARAC referral", "tenancy sustainment", "homelessness", "coercive control", "stalking harassment",
		"advocacy", "court support", "counselling", "benefits debt", "children young people", "safety planning"}
	otherLanguages = []string{"Polish", "Urdu", "Punjabi", "Arabic", "Romanian", "British Sign Language", "Mandarin", "Lithuanian"}
	contactNotes   = []string{"Leave a message and we will call back within one working day. Tell us if it is not safe to call you back.",
		"For professionals making a referral with the person's consent.", "Ask for the duty worker.",
		"Calls are free from landlines and mobiles.", "Text us if it is not safe to talk.",
		"Out of hours, call Scotland's Domestic Abuse and Forced Marriage Helpline on 0800 027 1234 (24 hours).", ""}
	firstNames = []string{"Alex", "Sam", "Jo", "Chris", "Jamie", "Robin", "Morgan", "Casey", "Taylor", "Jordan"}
	lastNames  = []string{"Demo", "Example", "Sample", "Placeholder", "Test"}
	phoneLabel = []string{"Office", "Mobile", "Direct line", "Main line"}
)

const syntheticNote = "Synthetic test data made by `dadirectory seed --synthetic`: this organisation, its contact details and its staff names are fictional."

// agency makes the i-th synthetic agency.
func (g *synthGen) agency(i int) synthAgency {
	w := g.r.IntN(synthKindTotal)
	kw := synthKinds[0]
	for _, k := range synthKinds {
		if w < k.weight {
			kw = k
			break
		}
		w -= k.weight
	}
	place := g.pick(g.places)
	var name string
	switch g.r.IntN(4) {
	case 0:
		name = place + " " + g.pick(kw.services)
	case 1:
		name = g.pick(namePrefixes) + " " + g.pick(kw.services)
	case 2:
		name = g.pick(namePrefixes) + " " + place + " " + g.pick(kw.services)
	default:
		name = place + " and " + g.pick(g.places) + " " + g.pick(kw.services)
	}
	a := synthAgency{name: name, kind: kw.kind, visibility: Public, reviewedAt: g.reviewed()}
	base := edit.Slug(name, "organisation")
	if len(base) > 60 {
		base = strings.TrimRight(base[:60], "-")
	}
	a.slug = SyntheticPrefix + strconv.Itoa(i) + "-" + base
	domain := base
	if len(domain) > 40 {
		domain = strings.TrimRight(domain[:40], "-")
	}
	a.website = "https://" + domain + ".example.org"
	a.email = "info@" + domain + ".example.org"
	a.phone = g.dramaPhone()
	if g.chance(0.03) {
		a.visibility = Staff
	}
	if g.chance(0.05) {
		a.open24h = true
		a.openingHours = "24 hours a day, every day of the year"
	} else {
		a.openingHours = g.pick(hoursPhrases) + "."
	}
	a.referralRoute = []string{RouteSelf, RouteProfessional, RouteBoth, RouteBoth}[g.r.IntN(4)]
	a.eligibility = g.pick(eligibilityPhrases)

	var areaNames, catNames, audNames []string
	a.areas, areaNames = g.some(g.tax.areas, 1, 3)
	a.categories, catNames = g.some(g.tax.categories, 1, 4)
	a.audiences, audNames = g.some(g.tax.audiences, 1, 3)
	a.tags = strings.Join(append(append([]string{}, catNames...), audNames...), " ")

	where := g.pick(summaryWhere)
	if strings.Contains(where, "%s") {
		where = fmt.Sprintf(where, areaNames[0])
	}
	a.summary = g.pick(summaryOpeners) + " " + g.pick(summaryWho) + " " + where + "."
	sentences := g.r.Perm(len(descSentences))[:3+g.r.IntN(4)]
	var d strings.Builder
	for _, s := range sentences {
		d.WriteString(descSentences[s])
		d.WriteByte(' ')
	}
	d.WriteString("We cover " + strings.Join(areaNames, ", ") + ". ")
	d.WriteString(syntheticNote)
	a.description = d.String()
	kws := g.r.Perm(len(keywordPhrases))[:1+g.r.IntN(3)]
	for j, k := range kws {
		if j > 0 {
			a.keywords += " "
		}
		a.keywords += keywordPhrases[k]
	}
	a.languages = []string{"English"}
	if g.chance(0.2) {
		a.languages = append(a.languages, g.pick(otherLanguages))
	}

	// 1 to 5 contacts, 3 on average; role titles unique within the agency.
	nc := 1 + g.r.IntN(5)
	roles := g.r.Perm(len(kw.roles))
	for j := 0; j < nc; j++ {
		role := kw.roles[roles[j%len(roles)]]
		if j >= len(roles) {
			role += " " + strconv.Itoa(j/len(roles)+1)
		}
		c := synthContact{roleTitle: role, visibility: Public, reviewedAt: g.reviewed(),
			hours: g.pick(hoursPhrases), notes: g.pick(contactNotes)}
		switch {
		case strings.Contains(role, "Champion"):
			c.kind = ContactChampion
			c.roleTitle = role + " – " + areaNames[0]
			c.areas = a.areas[:1]
		case strings.Contains(role, "line") || strings.Contains(role, "Helpline"):
			c.kind = ContactHelpline
		case strings.Contains(role, "referral") || strings.Contains(role, "Referral"):
			c.kind = ContactReferralPoint
		default:
			c.kind = ContactGeneral
		}
		if g.chance(0.4) {
			c.personName = g.pick(firstNames) + " " + g.pick(lastNames)
		}
		if g.chance(0.6) {
			c.email = edit.Slug(role, "contact") + "@" + domain + ".example.org"
		}
		if a.visibility == Staff || g.chance(0.10) {
			c.visibility = Staff
		}
		phones := []Phone{{Label: g.pick(phoneLabel), Number: g.dramaPhone()}}
		if g.chance(0.25) {
			phones = append(phones, Phone{Label: "Mobile", Number: "07700900" + fmt.Sprintf("%03d", g.r.IntN(1000))})
		}
		c.phones, _ = json.Marshal(phones)
		a.contacts = append(a.contacts, c)
	}
	// The main number is a contact of its own, marked main (phone numbers live only in
	// contacts), seen by whoever sees the agency.
	mainPhones, _ := json.Marshal([]Phone{{Number: a.phone}})
	a.contacts = append(a.contacts, synthContact{main: true, roleTitle: "Main number", kind: ContactGeneral,
		visibility: a.visibility, phones: mainPhones, reviewedAt: a.reviewedAt})
	return a
}
