import { FormEvent, useEffect, useState } from 'react';
import { api, projectPath } from '../api';
import { ErrorNote, Field, Page, Status, useAction, useCanWrite, useLoad, useSession } from '../ui';

type Category = string | Record<string, string>;

interface Project {
  name: string;
  description: string | null;
  custom_instructions: string | null;
  inclusion_prompt: string | null;
  exclusion_prompt: string | null;
  custom_categories: Category[] | null;
  decay: boolean;
  multilingual: boolean;
  expiration_date: string | null;
}

const TEXTS = [
  ['custom_instructions', 'Custom instructions (what to remember and how)'],
  ['inclusion_prompt', 'Include (what memories should cover)'],
  ['exclusion_prompt', 'Exclude (what never to remember)'],
] as const;
const FLAGS = [
  ['decay', 'Decay: older, unused memories rank lower'],
  ['multilingual', 'Multilingual: keep memories in the language they came in'],
] as const;

/** Categories are edited one per line as `name: description`. */
const categoriesToText = (categories: Category[] | null) =>
  (categories ?? [])
    .map((item) =>
      typeof item === 'string'
        ? item
        : Object.entries(item)
            .map(([name, text]) => `${name}: ${text}`)
            .join('\n'),
    )
    .join('\n');
const textToCategories = (text: string): Record<string, string>[] | null => {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) {
    return null;
  }
  return lines.map((line) => {
    const at = line.indexOf(':');
    return at < 0 ? { [line]: '' } : { [line.slice(0, at).trim()]: line.slice(at + 1).trim() };
  });
};

function SettingsForm({
  project,
  path,
  readOnly,
  onSaved,
}: {
  project: Project;
  path: string;
  readOnly: boolean;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState(project);
  const [categories, setCategories] = useState(categoriesToText(project.custom_categories));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => setSaved(false), [draft, categories]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      name: draft.name,
      description: draft.description || null,
      custom_instructions: draft.custom_instructions || null,
      inclusion_prompt: draft.inclusion_prompt || null,
      exclusion_prompt: draft.exclusion_prompt || null,
      custom_categories: textToCategories(categories),
      decay: draft.decay,
      multilingual: draft.multilingual,
      expiration_date: draft.expiration_date || null,
    };
    if (await action.run(() => api('PATCH', path, body))) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="card settings" onSubmit={submit}>
      <fieldset disabled={readOnly}>
        <div className="row">
          <Field label="Project name">
            <input
              name="project-name"
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
              required
            />
          </Field>
          <Field label="Description">
            <input
              className="wide"
              value={draft.description ?? ''}
              onChange={(event) => setDraft({ ...draft, description: event.target.value })}
            />
          </Field>
        </div>
        {TEXTS.map(([key, label]) => (
          <Field key={key} label={label}>
            <textarea
              name={key}
              rows={3}
              value={draft[key] ?? ''}
              onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
            />
          </Field>
        ))}
        <Field label="Categories, one per line as name: description (empty: the default categories)">
          <textarea
            name="custom_categories"
            rows={5}
            value={categories}
            onChange={(event) => setCategories(event.target.value)}
          />
        </Field>
        {FLAGS.map(([key, label]) => (
          <label key={key} className="check">
            <input
              type="checkbox"
              name={key}
              checked={draft[key]}
              onChange={(event) => setDraft({ ...draft, [key]: event.target.checked })}
            />
            {label}
          </label>
        ))}
        <Field label="Default expiration date of new memories">
          <input
            type="date"
            value={draft.expiration_date ?? ''}
            onChange={(event) => setDraft({ ...draft, expiration_date: event.target.value })}
          />
        </Field>
        {!readOnly && (
          <button type="submit" className="primary" disabled={action.busy}>
            Save settings
          </button>
        )}
      </fieldset>
      <ErrorNote error={action.error} />
      {saved && <p className="notice">Saved.</p>}
    </form>
  );
}

export function SettingsPage() {
  const session = useSession();
  const canWrite = useCanWrite();
  const path = projectPath(session);
  const loaded = useLoad(() => api<Project>('GET', path), [path]);
  return (
    <Page title="Project settings">
      {!canWrite && <p className="muted">Read only: project owners change settings.</p>}
      <Status loaded={loaded}>
        {(project) => <SettingsForm project={project} path={path} readOnly={!canWrite} onSaved={loaded.reload} />}
      </Status>
    </Page>
  );
}
