import type { ReactNode } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { PageId } from '../shell/routes';
import { UserMenu } from '../identity/UserMenu';
import '../identity/identity.css';
import './admin.css';

/** Header and body of the administration pages, with the same header as the map. */
export function PageFrame({ page, title, children }: { page: PageId; title: string; children: ReactNode }) {
  return (
    <div className="app admin-app">
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">{title}</span>
        <UserMenu current={page} />
      </header>
      <main className="admin-main">{children}</main>
    </div>
  );
}
