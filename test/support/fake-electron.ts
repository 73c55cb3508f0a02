/**
 * A stand-in for the 'electron' module (the binary cannot be downloaded on the
 * build machines), for tests only. Every fake `implements` the slice of
 * Electron's own type (node_modules/electron/electron.d.ts) that the app uses,
 * so a renamed method or a changed signature fails the type check here rather
 * than in a user's first launch. No `any`, no double casts.
 *
 * The app fake follows Electron's order of events: `ready` (whenReady
 * resolves) is emitted by the test; `quit()` emits `before-quit` with a
 * preventable event and, when nobody prevented it, `will-quit` and `quit`;
 * `exit()` ends without events, as Electron's does.
 *
 *   vi.mock('electron', async () => (await import('./fake-electron')).electronModule());
 */
import { EventEmitter } from 'node:events';
import type {
  App,
  BrowserWindowConstructorOptions,
  CustomScheme,
  Dialog,
  Dock,
  Event as ElectronEvent,
  LoginItemSettings,
  Menu,
  MenuItemConstructorOptions,
  NativeImage,
  NotificationConstructorOptions,
  PowerMonitor,
  Protocol,
  SafeStorage,
  Session,
  Settings,
  Tray,
  WebContents,
  WebRequest,
} from 'electron';
import type { IpcMainLike } from '../../src-main/shell/ipc';

type AppSlice = Pick<
  App,
  | 'whenReady'
  | 'isReady'
  | 'requestSingleInstanceLock'
  | 'quit'
  | 'exit'
  | 'getPath'
  | 'setPath'
  | 'getAppPath'
  | 'getLoginItemSettings'
  | 'setLoginItemSettings'
  | 'setAppUserModelId'
>;

/**
 * State shared by every copy of this module: vi.resetModules() (to load
 * index.ts afresh) re-imports it for the mocked 'electron', while the test
 * keeps its own copy — both must see one world.
 */
interface SharedState {
  calls: string[];
  menus: FakeMenu[];
  trays: FakeTray[];
  windows: FakeBrowserWindow[];
  notifications: NotificationConstructorOptions[];
  world: FakeElectron | null;
}
const globalStore = globalThis as typeof globalThis & { __nightshiftFakeElectron?: SharedState };
globalStore.__nightshiftFakeElectron ??= { calls: [], menus: [], trays: [], windows: [], notifications: [], world: null };
const shared: SharedState = globalStore.__nightshiftFakeElectron;

/** Records every call in order, so tests can check Electron's sequence rules (e.g. nothing before ready). */
export const calls: string[] = shared.calls;

export class FakeDock implements Pick<Dock, 'show' | 'hide'> {
  visible = true;
  show(): Promise<void> {
    calls.push('dock.show');
    this.visible = true;
    return Promise.resolve();
  }
  hide(): void {
    calls.push('dock.hide');
    this.visible = false;
  }
}

export class FakeApp extends EventEmitter implements AppSlice {
  isPackaged = false;
  readonly dock: FakeDock | undefined;
  readonly paths = new Map<string, string>();
  readonly loginItems: Settings[] = [];
  appUserModelId: string | null = null;
  exitCode: number | null = null;
  singleInstanceLock = true;
  /** What macOS would report; Electron only knows it after applicationDidFinishLaunching (ready). */
  wasOpenedAtLogin = false;
  private readyFlag = false;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    readonly platform: NodeJS.Platform,
    private readonly appPath: string,
  ) {
    super();
    this.dock = platform === 'darwin' ? new FakeDock() : undefined;
  }

  /** What the OS does: finish launching and emit `ready`. */
  emitReady(): void {
    calls.push('event:ready');
    this.readyFlag = true;
    this.emit('ready', { preventDefault() {}, defaultPrevented: false }, {});
    for (const waiter of this.readyWaiters.splice(0)) waiter();
  }
  whenReady(): Promise<void> {
    return this.readyFlag ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  isReady(): boolean {
    return this.readyFlag;
  }
  requestSingleInstanceLock(): boolean {
    calls.push('app.requestSingleInstanceLock');
    return this.singleInstanceLock;
  }
  quit(): void {
    calls.push('app.quit');
    let prevented = false;
    const event: ElectronEvent = {
      preventDefault: () => {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    };
    this.emit('before-quit', event);
    if (prevented) return;
    this.emit('will-quit', event);
    this.emit('quit', event, 0);
    this.exitCode ??= 0;
  }
  exit(exitCode?: number): void {
    calls.push(`app.exit(${exitCode ?? 0})`);
    this.exitCode = exitCode ?? 0;
  }
  getPath(name: Parameters<App['getPath']>[0]): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`fake app: no path ${name}`);
    return path;
  }
  setPath(name: Parameters<App['setPath']>[0], path: string): void {
    calls.push(`app.setPath(${name})`);
    if (this.readyFlag && name === 'userData') throw new Error('userData must be set before ready');
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return this.appPath;
  }
  getLoginItemSettings(): LoginItemSettings {
    calls.push('app.getLoginItemSettings');
    // Electron's real behaviour: before applicationDidFinishLaunching the flag is not known yet.
    const wasOpenedAtLogin = this.readyFlag && this.wasOpenedAtLogin;
    return {
      openAtLogin: this.loginItems.at(-1)?.openAtLogin ?? false,
      wasOpenedAtLogin,
      status: 'not-registered',
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  }
  setLoginItemSettings(settings: Settings): void {
    calls.push('app.setLoginItemSettings');
    this.loginItems.push(settings);
  }
  setAppUserModelId(id: string): void {
    calls.push('app.setAppUserModelId');
    this.appUserModelId = id;
  }
}

/** Fakes by identity: Electron's types name the real classes, the objects at run time are these. */
const imagePaths = new WeakMap<object, string>();
const fakeMenus = new WeakMap<object, FakeMenu>();

export class FakeNativeImage implements Pick<NativeImage, 'setTemplateImage' | 'isTemplateImage'> {
  private template = false;
  constructor(readonly path: string) {
    imagePaths.set(this, path);
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
  isTemplateImage(): boolean {
    return this.template;
  }
}

export class FakeMenu implements Pick<Menu, 'popup' | 'closePopup'> {
  /** Every menu built, in order. */
  static readonly built: FakeMenu[] = shared.menus;
  constructor(readonly template: MenuItemConstructorOptions[]) {
    fakeMenus.set(this, this);
    FakeMenu.built.push(this);
  }
  popup(): void {}
  closePopup(): void {}
  /** Clicks the item with this id, the way Electron calls a template's `click`. */
  click(id: string): void {
    const item = this.template.find((i) => i.id === id);
    if (!item?.click) throw new Error(`no clickable menu item ${id}`);
    // The app's click handlers ignore Electron's (menuItem, window, event) arguments.
    Reflect.apply(item.click, item, []);
  }
  item(id: string): MenuItemConstructorOptions | undefined {
    return this.template.find((i) => i.id === id);
  }
}

type TraySlice = Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'popUpContextMenu' | 'destroy' | 'isDestroyed'>;

export class FakeTray extends EventEmitter implements TraySlice {
  static readonly all: FakeTray[] = shared.trays;
  image: string;
  tooltip = '';
  contextMenu: FakeMenu | null = null;
  /** Histories, for "touched Electron only when something changed". */
  readonly images: string[] = [];
  readonly tooltips: string[] = [];
  readonly contextMenus: (FakeMenu | null)[] = [];
  popups = 0;
  private destroyed = false;
  constructor(image: NativeImage | string) {
    super();
    calls.push('new Tray');
    this.image = typeof image === 'string' ? image : (imagePaths.get(image) ?? '?');
    this.images.push(this.image);
    FakeTray.all.push(this);
  }
  /** Electron throws on a destroyed tray; so does the fake. */
  private live(): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
  }
  setImage(image: NativeImage | string): void {
    this.live();
    this.image = typeof image === 'string' ? image : (imagePaths.get(image) ?? '?');
    this.images.push(this.image);
  }
  setToolTip(toolTip: string): void {
    this.live();
    this.tooltip = toolTip;
    this.tooltips.push(toolTip);
  }
  setContextMenu(menu: Menu | null): void {
    this.live();
    this.contextMenu = menu ? (fakeMenus.get(menu) ?? null) : null;
    this.contextMenus.push(this.contextMenu);
  }
  popUpContextMenu(): void {
    this.live();
    this.popups++;
  }
  destroy(): void {
    calls.push('tray.destroy');
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

type OpenHandler = Parameters<WebContents['setWindowOpenHandler']>[0];

export class FakeWebContents extends EventEmitter implements Pick<WebContents, 'setWindowOpenHandler' | 'isDestroyed'> {
  openHandler: OpenHandler | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

type WindowSlice = Pick<
  import('electron').BrowserWindow,
  'loadURL' | 'isDestroyed' | 'isMinimized' | 'restore' | 'show' | 'focus' | 'destroy'
>;

export class FakeBrowserWindow extends EventEmitter implements WindowSlice {
  static readonly all: FakeBrowserWindow[] = shared.windows;
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  /** How many times show() was called. */
  shown = 0;
  private destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    calls.push('new BrowserWindow');
    FakeBrowserWindow.all.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  show(): void {
    this.visible = true;
    this.shown++;
  }
  focus(): void {}
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeNotification implements Pick<import('electron').Notification, 'show'> {
  static readonly shown: NotificationConstructorOptions[] = shared.notifications;
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: NotificationConstructorOptions) {}
  show(): void {
    FakeNotification.shown.push(this.options);
  }
}

type ProtocolHandler = Parameters<Protocol['handle']>[1];

export class FakeProtocol implements Pick<Protocol, 'handle' | 'unhandle' | 'registerSchemesAsPrivileged'> {
  readonly handlers = new Map<string, ProtocolHandler>();
  readonly privileged: CustomScheme[] = [];
  constructor(private readonly app: FakeApp) {}
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void {
    calls.push('protocol.registerSchemesAsPrivileged');
    if (this.app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before ready');
    this.privileged.push(...customSchemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    calls.push(`protocol.handle(${scheme})`);
    if (!this.app.isReady()) throw new Error('protocol.handle needs the app to be ready');
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
}

export class FakePowerMonitor extends EventEmitter implements Pick<PowerMonitor, 'isOnBatteryPower'> {
  onBattery = false;
  isOnBatteryPower(): boolean {
    return this.onBattery;
  }
}

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type HeadersListener = Parameters<WebRequest['onHeadersReceived']>[0];

/** Only the one-argument overload, the one the app uses. */
export class FakeWebRequest {
  listener: HeadersListener = null;
  onHeadersReceived(listener: HeadersListener): void {
    this.listener = listener;
  }
}

export class FakeSession implements Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  readonly webRequest = new FakeWebRequest();
  requestHandler: PermissionRequestHandler = null;
  checkHandler: PermissionCheckHandler = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
  }
}

/** No keyring here: like Linux's basic_text fallback, nothing can be sealed. */
export class FakeSafeStorage
  implements Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>
{
  isEncryptionAvailable(): boolean {
    return false;
  }
  encryptString(): Buffer {
    throw new Error('fake safeStorage: encryption is not available');
  }
  decryptString(): string {
    throw new Error('fake safeStorage: encryption is not available');
  }
  getSelectedStorageBackend(): ReturnType<SafeStorage['getSelectedStorageBackend']> {
    return 'basic_text';
  }
}

export class FakeDialog implements Pick<Dialog, 'showErrorBox'> {
  readonly errors: { title: string; content: string }[] = [];
  showErrorBox(title: string, content: string): void {
    calls.push('dialog.showErrorBox');
    this.errors.push({ title, content });
  }
}

type InvokeListener = Parameters<IpcMainLike['handle']>[1];

export class FakeIpcMain extends EventEmitter implements IpcMainLike {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

/** One fake Electron world; `electronModule()` exposes it as the module's exports. */
export interface FakeElectron {
  app: FakeApp;
  protocol: FakeProtocol;
  powerMonitor: FakePowerMonitor;
  session: { defaultSession: FakeSession };
  dialog: FakeDialog;
  ipcMain: FakeIpcMain;
  applicationMenu: { current: FakeMenu | null | undefined };
}

/** (Re)creates the world; call before importing the code under test. */
export function resetFakeElectron(platform: NodeJS.Platform = 'linux', appPath = '/opt/nightshift'): FakeElectron {
  calls.length = 0;
  FakeMenu.built.length = 0;
  FakeTray.all.length = 0;
  FakeBrowserWindow.all.length = 0;
  FakeNotification.shown.length = 0;
  const app = new FakeApp(platform, appPath);
  const world: FakeElectron = {
    app,
    protocol: new FakeProtocol(app),
    powerMonitor: new FakePowerMonitor(),
    session: { defaultSession: new FakeSession() },
    dialog: new FakeDialog(),
    ipcMain: new FakeIpcMain(),
    applicationMenu: { current: undefined },
  };
  shared.world = world;
  return world;
}

export function fakeElectron(): FakeElectron {
  return shared.world ?? resetFakeElectron();
}

/**
 * The module object handed to vi.mock. Getters, so a test that resets the
 * world between cases is seen by code that imported 'electron' once.
 */
export function electronModule() {
  const menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => new FakeMenu(template),
    setApplicationMenu: (m: Menu | null) => {
      calls.push(`Menu.setApplicationMenu(${m ? 'menu' : 'null'})`);
      fakeElectron().applicationMenu.current = m ? (fakeMenus.get(m) ?? null) : null;
    },
  };
  return {
    get app() {
      return fakeElectron().app;
    },
    get protocol() {
      return fakeElectron().protocol;
    },
    get powerMonitor() {
      return fakeElectron().powerMonitor;
    },
    get session() {
      return fakeElectron().session;
    },
    get dialog() {
      return fakeElectron().dialog;
    },
    safeStorage: new FakeSafeStorage(),
    get ipcMain() {
      return fakeElectron().ipcMain;
    },
    Menu: menu,
    Tray: FakeTray,
    BrowserWindow: FakeBrowserWindow,
    Notification: FakeNotification,
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path.split('/').pop() ?? path) },
  };
}
