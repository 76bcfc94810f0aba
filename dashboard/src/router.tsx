import { MouseEvent, ReactNode, useEffect, useState } from 'react';

/** Client routes live under /dashboard; the server answers index.html for all of them. */
const BASE = '/dashboard';
const CHANGED = 'dashboard:navigate';

const currentPath = () => {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return path.replace(/\/+$/, '') || '/';
};

export function navigate(to: string): void {
  window.history.pushState(null, '', `${BASE}${to}`);
  window.dispatchEvent(new Event(CHANGED));
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return path;
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
      event.preventDefault();
      navigate(to);
    }
  };
  return (
    <a href={`${BASE}${to}`} onClick={follow} className={className}>
      {children}
    </a>
  );
}
