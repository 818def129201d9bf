// CloudTrail Event history: the account's events in one region newest first, one lookup attribute, a time range, NextToken pages, and an event's record.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link, navigate } from '../router';
import { Alert, PageHeader, useAction, when } from '../ui';

/** The lookup attributes, as CloudTrail's Event history names them. */
const ATTRIBUTES: Array<{ key: string; label: string }> = [
  { key: 'ReadOnly', label: 'Read-only' },
  { key: 'Username', label: 'User name' },
  { key: 'EventName', label: 'Event name' },
  { key: 'ResourceType', label: 'Resource type' },
  { key: 'ResourceName', label: 'Resource name' },
  { key: 'EventSource', label: 'Event source' },
  { key: 'EventId', label: 'Event ID' },
  { key: 'AccessKeyId', label: 'AWS access key' },
];

const RANGES: Array<{ value: string; label: string }> = [
  { value: '', label: 'Any time (last 90 days)' },
  { value: '1h', label: 'Last 1 hour' },
  { value: '3h', label: 'Last 3 hours' },
  { value: '12h', label: 'Last 12 hours' },
  { value: '1d', label: 'Last 1 day' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
];

/** The region the console starts in: IAM, STS's global endpoint and Organizations record their events there. */
const DEFAULT_REGION = 'us-east-1';

/** The event-history link for one lookup attribute (the user and role pages link here). */
export function eventsLink(key: string, value: string): string {
  return `/cloudtrail/events?key=${encodeURIComponent(key)}&value=${encodeURIComponent(value)}`;
}

/** The link to one event's page: its ID, and its region unless the default (Event IDs are looked up per region). */
function eventLink(id: string, region: string): string {
  return `/cloudtrail/events/${encodeURIComponent(id)}${region === DEFAULT_REGION ? '' : `?region=${encodeURIComponent(region)}`}`;
}

/** The regions the region selector offers (asked once per page). */
function useRegions(): string[] {
  const [regions, setRegions] = useState<string[]>([DEFAULT_REGION]);
  useEffect(() => {
    api<{ regions: string[] }>('GET', '/regions')
      .then((r) => setRegions(r.regions))
      .catch(() => undefined);
  }, []);
  return regions;
}

/** The record's errorCode (CloudTrailEvent is the record as JSON text). */
function record(e: any): any {
  try {
    return JSON.parse(e.CloudTrailEvent ?? '{}');
  } catch {
    return {};
  }
}

function resources(e: any, field: 'ResourceType' | 'ResourceName'): string {
  return ((e.Resources ?? []) as any[]).map((r) => r[field] ?? '').filter(Boolean).join(', ');
}

/** A `datetime-local` value as ISO 8601 UTC (the inputs are read as UTC, as the table shows times). */
function utc(v: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : `${v}Z`;
}

/** The Event history page; its region and filter live in the URL (`?region=&key=&value=&range=`). */
export function EventHistory(props: { search: URLSearchParams }) {
  const regions = useRegions();
  const region = props.search.get('region') || DEFAULT_REGION;
  const [key, setKey] = useState(props.search.get('key') ?? 'ReadOnly');
  const [value, setValue] = useState(props.search.get('value') ?? '');
  const [range, setRange] = useState(props.search.get('range') ?? '');
  const [start, setStart] = useState(props.search.get('start') ?? '');
  const [end, setEnd] = useState(props.search.get('end') ?? '');
  const [tokens, setTokens] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<{ events: any[]; nextToken: string | null } | null>(null);
  const { busy, error, run } = useAction();
  const filterKey = props.search.get('key') ?? '';
  const filterValue = props.search.get('value') ?? '';
  const filterRange = props.search.get('range') ?? '';

  const query = (token: string | null) => {
    const q = new URLSearchParams();
    if (region !== DEFAULT_REGION) q.set('region', region);
    if (filterKey && filterValue) (q.set('key', filterKey), q.set('value', filterValue));
    if (filterRange && filterRange !== 'custom') q.set('range', filterRange);
    if (filterRange === 'custom') {
      if (props.search.get('start')) q.set('start', utc(props.search.get('start')!));
      if (props.search.get('end')) q.set('end', utc(props.search.get('end')!));
    }
    if (token) q.set('token', token);
    return q.toString();
  };
  const load = (index: number, stack: Array<string | null>) =>
    void run(async () => {
      setPage(await api('GET', `/events?${query(stack[index] ?? null)}`));
      setTokens(stack.slice(0, index + 1));
    });
  useEffect(() => load(0, [null]), [props.search.toString()]);

  /** The page's URL for a region and the filter in the form. */
  const target = (inRegion: string): string => {
    const q = new URLSearchParams();
    if (inRegion !== DEFAULT_REGION) q.set('region', inRegion);
    if (value) (q.set('key', key), q.set('value', value));
    if (range) q.set('range', range);
    if (range === 'custom') (start && q.set('start', start), end && q.set('end', end));
    return `/cloudtrail/events${q.toString() ? `?${q}` : ''}`;
  };
  const apply = (e: Event) => {
    e.preventDefault();
    navigate(target(region));
  };

  return (
    <section>
      <PageHeader title="Event history" />
      <form class="inline" aria-label="Filter events" onSubmit={apply}>
        <div class="field">
          <label for="event-region">Region</label>
          {/* As the console's region selector: choosing a region shows that region's event history at once. */}
          <select id="event-region" value={region} onChange={(e) => navigate(target((e.target as HTMLSelectElement).value))}>
            {(regions.includes(region) ? regions : [region, ...regions]).map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="lookup-attribute">Lookup attributes</label>
          <select id="lookup-attribute" value={key} onChange={(e) => (setKey((e.target as HTMLSelectElement).value), setValue(''))}>
            {ATTRIBUTES.map((a) => (
              <option value={a.key}>{a.label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="lookup-value">Attribute value</label>
          {key === 'ReadOnly' ? (
            <select id="lookup-value" value={value} onChange={(e) => setValue((e.target as HTMLSelectElement).value)}>
              <option value="">(any)</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : (
            <input id="lookup-value" type="text" value={value} placeholder="Enter a value" onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          )}
        </div>
        <div class="field">
          <label for="time-range">Time range</label>
          <select id="time-range" value={range} onChange={(e) => setRange((e.target as HTMLSelectElement).value)}>
            {RANGES.map((r) => (
              <option value={r.value}>{r.label}</option>
            ))}
          </select>
        </div>
        {range === 'custom' && (
          <>
            <div class="field">
              <label for="time-start">Start (UTC)</label>
              <input id="time-start" type="datetime-local" value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="time-end">End (UTC)</label>
              <input id="time-end" type="datetime-local" value={end} onInput={(e) => setEnd((e.target as HTMLInputElement).value)} />
            </div>
          </>
        )}
        <button type="submit" class="primary">
          Apply filter
        </button>
        <button type="button" onClick={() => navigate(region === DEFAULT_REGION ? '/cloudtrail/events' : `/cloudtrail/events?region=${encodeURIComponent(region)}`)}>
          Clear filter
        </button>
      </form>
      <p class="hint" data-testid="events-region">
        Events recorded in <code>{region}</code>
        {region !== DEFAULT_REGION && ' (IAM, Organizations and STS\'s global endpoint record theirs in us-east-1)'}
      </p>
      {filterKey && filterValue && (
        <p class="hint" data-testid="active-filter">
          Showing events where {ATTRIBUTES.find((a) => a.key === filterKey)?.label ?? filterKey} is <code>{filterValue}</code>
        </p>
      )}
      {error && <Alert>{error}</Alert>}
      {page && (
        <>
          <div class="pager" role="navigation" aria-label="Pages">
            <button type="button" aria-label="Previous page" disabled={busy || tokens.length <= 1} onClick={() => load(tokens.length - 2, tokens)}>
              ‹
            </button>
            <span data-testid="events-page">Page {tokens.length}</span>
            <button type="button" aria-label="Next page" disabled={busy || !page.nextToken} onClick={() => load(tokens.length, [...tokens, page.nextToken])}>
              ›
            </button>
            <button type="button" disabled={busy} onClick={() => load(tokens.length - 1, tokens)}>
              Refresh
            </button>
          </div>
          <table data-testid="events-table">
            <caption class="sr-only">Events</caption>
            <thead>
              <tr>
                <th scope="col">Event name</th>
                <th scope="col">Event time</th>
                <th scope="col">User name</th>
                <th scope="col">Event source</th>
                <th scope="col">Resource type</th>
                <th scope="col">Resource name</th>
                <th scope="col">Error code</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr data-testid="event-row">
                  <td>
                    <Link to={eventLink(e.EventId, region)}>{e.EventName}</Link>
                  </td>
                  <td>{when(e.EventTime)}</td>
                  <td>{e.Username ?? ''}</td>
                  <td>{e.EventSource}</td>
                  <td>{resources(e, 'ResourceType')}</td>
                  <td>{resources(e, 'ResourceName')}</td>
                  <td data-testid="event-error">{record(e).errorCode ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.events.length === 0 && <p class="hint">No events match this filter.</p>}
        </>
      )}
    </section>
  );
}

/** One event: its summary and the record's JSON (CloudTrailEvent), found by its Event ID in its region. */
export function EventDetail(props: { id: string; region?: string | undefined }) {
  const region = props.region || DEFAULT_REGION;
  const [event, setEvent] = useState<any | null | undefined>(undefined);
  const { error, run } = useAction();
  const inRegion = region === DEFAULT_REGION ? '' : `&region=${encodeURIComponent(region)}`;
  useEffect(() => void run(async () => setEvent((await api('GET', `/events?key=EventId&value=${encodeURIComponent(props.id)}${inRegion}`)).events[0] ?? null)), [props.id, region]);
  if (error) return <Alert>{error}</Alert>;
  if (event === undefined) return <p>Loading…</p>;
  if (event === null) return <Alert>No event with the ID {props.id} in {region} in the last 90 days.</Alert>;
  const rec = record(event);
  return (
    <section>
      <PageHeader title={event.EventName}>
        <Link to={region === DEFAULT_REGION ? '/cloudtrail/events' : `/cloudtrail/events?region=${encodeURIComponent(region)}`}>Back to Event history</Link>
      </PageHeader>
      <dl class="props">
        <dt>Event time</dt>
        <dd>{when(event.EventTime)}</dd>
        <dt>User name</dt>
        <dd>{event.Username ?? ''}</dd>
        <dt>Event source</dt>
        <dd>{event.EventSource}</dd>
        <dt>AWS region</dt>
        <dd>{rec.awsRegion ?? region}</dd>
        <dt>AWS access key</dt>
        <dd>{event.AccessKeyId ?? ''}</dd>
        <dt>Source IP address</dt>
        <dd>{rec.sourceIPAddress ?? ''}</dd>
        <dt>Event ID</dt>
        <dd>
          <code>{event.EventId}</code>
        </dd>
        <dt>Request ID</dt>
        <dd>
          <code>{rec.requestID ?? ''}</code>
        </dd>
        <dt>Read-only</dt>
        <dd>{event.ReadOnly}</dd>
        <dt>Error code</dt>
        <dd>{rec.errorCode ?? '—'}</dd>
        {rec.errorMessage && (
          <>
            <dt>Error message</dt>
            <dd>{rec.errorMessage}</dd>
          </>
        )}
      </dl>
      <h2>Event record</h2>
      <pre data-testid="event-record">{JSON.stringify(rec, null, 4)}</pre>
    </section>
  );
}
