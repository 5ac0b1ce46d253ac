export async function runBench() {}
