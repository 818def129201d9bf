// S3: the bucket list (create with name checks as you type, delete) and a bucket's page (objects by prefix, upload, download, delete, bucket policy).
import { useEffect, useState } from 'preact/hooks';
import { api, upload } from '../api';
import { bucketNameProblems } from '../bucket-name';
import { Link, navigate } from '../router';
import { Alert, PageHeader, TextField, useAction, when } from '../ui';
import { BucketPolicy } from './s3-policy';

const bucketPath = (bucket: string) => `/s3/buckets/${encodeURIComponent(bucket)}`;

/** Bytes as the S3 console shows them (B, KB, MB, GB). */
export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The create-bucket form: the name is checked against S3's rules as you type. */
function CreateBucket(props: { done: (name: string) => void; cancel: () => void }) {
  const [name, setName] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const { busy, error, run } = useAction();
  const problems = name ? bucketNameProblems(name) : [];
  return (
    <form
      aria-label="Create bucket"
      class="panel"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api('POST', '/s3/buckets', { name, region });
          props.done(name);
        });
      }}
    >
      <h2>Create bucket</h2>
      {error && <Alert>{error}</Alert>}
      <TextField label="Bucket name" name="bucketName" value={name} onInput={setName} required hint="Bucket names are shared by every account: 3–63 lowercase letters, numbers, dots and hyphens." />
      <div class="problems" aria-live="polite" data-testid="bucket-name-problems">
        {problems.map((p) => (
          <p class="problem error">{p}</p>
        ))}
      </div>
      <TextField label="AWS Region" name="region" value={region} onInput={setRegion} />
      <button type="submit" class="primary" disabled={busy || !name || problems.length > 0}>
        Create bucket
      </button>
      <button type="button" onClick={props.cancel}>
        Cancel
      </button>
    </form>
  );
}

/** The bucket list of the current account. */
export function Buckets() {
  const [buckets, setBuckets] = useState<any[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState('');
  const [confirm, setConfirm] = useState('');
  const [notice, setNotice] = useState('');
  const { busy, error, run } = useAction();
  const load = () => void run(async () => setBuckets((await api('GET', '/s3/buckets')).buckets));
  useEffect(load, []);
  return (
    <section>
      <PageHeader title="Buckets">
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create bucket
        </button>
      </PageHeader>
      {creating && (
        <CreateBucket
          done={(name) => {
            setCreating(false);
            setNotice(`Bucket ${name} was created.`);
            load();
          }}
          cancel={() => setCreating(false)}
        />
      )}
      {notice && <Alert kind="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {deleting && (
        <form
          class="confirm"
          aria-label="Delete bucket"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('DELETE', bucketPath(deleting));
              setNotice(`Bucket ${deleting} was deleted.`);
              setDeleting('');
              setBuckets((await api('GET', '/s3/buckets')).buckets);
            });
          }}
        >
          <p>
            Delete bucket <strong>{deleting}</strong>? Only an empty bucket can be deleted.
          </p>
          <TextField label={`To confirm deletion, enter ${deleting}`} name="confirmBucket" value={confirm} onInput={setConfirm} />
          <button type="submit" class="danger" disabled={busy || confirm !== deleting}>
            Delete bucket
          </button>
          <button type="button" onClick={() => setDeleting('')}>
            Cancel
          </button>
        </form>
      )}
      {buckets && (
        <table data-testid="buckets-table">
          <caption class="sr-only">Buckets</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">AWS Region</th>
              <th scope="col">Creation date</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr>
                <td>
                  <Link to={bucketPath(b.name)}>{b.name}</Link>
                </td>
                <td>{b.region ?? 'us-east-1'}</td>
                <td>{when(b.creationDate)}</td>
                <td>
                  <button type="button" onClick={() => (setDeleting(b.name), setConfirm(''), setNotice(''))}>
                    Delete {b.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {buckets && buckets.length === 0 && <p class="hint">No buckets in this account.</p>}
    </section>
  );
}

/** The upload form: the chosen file goes to `<prefix><file name>`. */
function Upload(props: { bucket: string; prefix: string; done: (key: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      class="inline"
      aria-label="Upload"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        const key = props.prefix + file.name;
        void run(async () => {
          await upload(`${bucketPath(props.bucket)}/object?key=${encodeURIComponent(key)}`, file);
          (e.target as HTMLFormElement).reset();
          setFile(null);
          props.done(key);
        });
      }}
    >
      <div class="field">
        <label for="upload-file">File to upload</label>
        <input id="upload-file" type="file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
      </div>
      <button type="submit" class="primary" disabled={busy || !file}>
        Upload
      </button>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

/** A bucket's page: Objects (one prefix level, with "folders") and Permissions (the bucket policy). */
export function BucketDetail(props: { bucket: string; search: URLSearchParams }) {
  const prefix = props.search.get('prefix') ?? '';
  const tab = props.search.get('tab') === 'permissions' ? 'permissions' : 'objects';
  const [list, setList] = useState<{ prefixes: string[]; objects: any[]; nextToken: string | null } | null>(null);
  const [notice, setNotice] = useState('');
  const { busy, error, run } = useAction();
  const go = (p: string, t = 'objects') => navigate(`${bucketPath(props.bucket)}?${new URLSearchParams({ ...(p ? { prefix: p } : {}), ...(t !== 'objects' ? { tab: t } : {}) })}`);
  const load = (token?: string) =>
    void run(async () => {
      const q = new URLSearchParams(prefix ? { prefix } : {});
      if (token) q.set('token', token);
      const page = await api('GET', `${bucketPath(props.bucket)}/objects?${q}`);
      setList((old) => (token && old ? { prefixes: [...old.prefixes, ...page.prefixes], objects: [...old.objects, ...page.objects], nextToken: page.nextToken } : page));
    });
  useEffect(() => {
    setList(null);
    if (tab === 'objects') load();
  }, [props.bucket, prefix, tab]);
  const crumbs = prefix.split('/').filter(Boolean);
  return (
    <section>
      <PageHeader title={props.bucket} />
      <nav aria-label="Breadcrumbs" class="crumbs">
        <Link to="/s3/buckets">Buckets</Link> / <Link to={bucketPath(props.bucket)}>{props.bucket}</Link>
        {crumbs.map((c, i) => (
          <>
            {' / '}
            <Link to={`${bucketPath(props.bucket)}?prefix=${encodeURIComponent(crumbs.slice(0, i + 1).join('/') + '/')}`}>{c}</Link>
          </>
        ))}
      </nav>
      <div role="tablist" aria-label="Bucket" class="tabs">
        <button type="button" role="tab" aria-selected={tab === 'objects'} onClick={() => go(prefix)}>
          Objects
        </button>
        <button type="button" role="tab" aria-selected={tab === 'permissions'} onClick={() => go('', 'permissions')}>
          Permissions
        </button>
      </div>
      {tab === 'permissions' && <BucketPolicy bucket={props.bucket} />}
      {tab === 'objects' && (
        <>
          <Upload bucket={props.bucket} prefix={prefix} done={(key) => (setNotice(`Uploaded ${key}.`), load())} />
          {notice && <Alert kind="success">{notice}</Alert>}
          {error && <Alert>{error}</Alert>}
          {list && (
            <table data-testid="objects-table">
              <caption class="sr-only">Objects{prefix ? ` under ${prefix}` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Last modified</th>
                  <th scope="col">Size</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.prefixes.map((p) => (
                  <tr>
                    <td>
                      <Link to={`${bucketPath(props.bucket)}?prefix=${encodeURIComponent(p)}`}>{p.slice(prefix.length)}</Link>
                    </td>
                    <td>Folder</td>
                    <td />
                    <td />
                    <td />
                  </tr>
                ))}
                {list.objects.map((o) => (
                  <tr data-testid="object-row">
                    <td>{o.key.slice(prefix.length)}</td>
                    <td>{o.key.includes('.') ? o.key.slice(o.key.lastIndexOf('.') + 1) : ''}</td>
                    <td>{when(o.lastModified)}</td>
                    <td>{size(o.size)}</td>
                    <td>
                      <a
                        href={`/console/api${bucketPath(props.bucket)}/object?key=${encodeURIComponent(o.key)}`}
                        download={o.key.slice(o.key.lastIndexOf('/') + 1)}
                        onClick={(e) => {
                          // Asks first whether GetObject is allowed, so a refusal shows AWS's message instead of a file.
                          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                          e.preventDefault();
                          const a = e.currentTarget as HTMLAnchorElement;
                          void run(async () => {
                            await api('GET', `${bucketPath(props.bucket)}/object?key=${encodeURIComponent(o.key)}&check=1`);
                            const link = document.createElement('a');
                            link.href = a.href;
                            link.download = a.download;
                            document.body.appendChild(link);
                            link.click();
                            link.remove();
                          });
                        }}
                      >
                        Download {o.key.slice(prefix.length)}
                      </a>{' '}
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() =>
                          run(async () => {
                            await api('DELETE', `${bucketPath(props.bucket)}/object?key=${encodeURIComponent(o.key)}`);
                            setNotice(`Deleted ${o.key}.`);
                            load();
                          })
                        }
                      >
                        Delete {o.key.slice(prefix.length)}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {list && list.prefixes.length === 0 && list.objects.length === 0 && <p class="hint">No objects{prefix ? ` under ${prefix}` : ''}.</p>}
          {list?.nextToken && (
            <button type="button" disabled={busy} onClick={() => load(list.nextToken!)}>
              Load more
            </button>
          )}
        </>
      )}
    </section>
  );
}
