// spark-md5 is UMD: /peers/spark-md5.js (a classic script) set window.SparkMD5.
export default globalThis.SparkMD5;
