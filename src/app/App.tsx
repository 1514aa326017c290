export function App() {
  return (
    <main>
      <h1>TCP Playground</h1>
    </main>
  );
}
